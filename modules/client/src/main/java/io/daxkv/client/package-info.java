/**
 * The Java client of a daxkv server, over the protocol of {@code daxkv.proto}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Entry point:</b> {@link io.daxkv.client.DaxKVClient#connect} with
 *       {@link io.daxkv.client.ClientOptions}; it returns once every pooled connection has
 *       answered the Hello. {@link io.daxkv.client.DaxKVClient#blocking()} gives the same
 *       operations as plain calls.</li>
 *   <li><b>Threading:</b> a client is safe for any number of threads; futures complete on its
 *       I/O threads, so callbacks must not block.</li>
 *   <li><b>Requests:</b> pipelined over a pool of connections, matched to answers by id; each
 *       has a deadline; at most {@code maxInFlightPerConnection} per connection, beyond which
 *       they fail at once ({@code Overloaded}).</li>
 *   <li><b>Connection loss:</b> connections reconnect by themselves with backoff; idempotent
 *       requests are resent, writes never are once sent (their outcome is then unknown, and the
 *       exception says so). See {@link io.daxkv.client.DaxKVClient} for the whole policy.</li>
 *   <li><b>Errors:</b> unchecked, all subtypes of
 *       {@link io.daxkv.client.DaxKVClientException}; null arguments throw
 *       {@link java.lang.NullPointerException} naming the argument.</li>
 *   <li><b>Dependencies:</b> the protocol module and Netty; not the storage engine.</li>
 *   <li><b>Stability:</b> the public classes of this package are the client's API.</li>
 * </ul>
 */
package io.daxkv.client;
