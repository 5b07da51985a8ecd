/**
 * A linearizability checker for histories recorded against a daxkv server: each key is a
 * register (ABSENT or a value) with put, get, delete, putIfAbsent and replace.
 *
 * <p>Record with a {@link io.daxkv.server.lin.History} from any number of client threads, then
 * check with a {@link io.daxkv.server.lin.Checker}:
 *
 * <pre>{@code
 * History history = new History();
 * // in client thread `id`, around every request:
 * History.Call call = history.invoke(id, key, Op.putIfAbsent(value));
 * try {
 *     call.okFlag(client.putIfAbsent(key, value.getBytes(UTF_8)));   // response arrived
 * } catch (TimeoutException | ConnectionLostException e) {
 *     call.unknown();          // may or may not have happened: completion = +infinity
 * } catch (DefiniteFailure e) {
 *     call.failed();           // server did nothing: not recorded
 * }
 * // after joining the client threads:
 * new Checker().check(history).assertOk();   // AssertionError with an explanation otherwise
 * }</pre>
 */
package io.daxkv.server.lin;
