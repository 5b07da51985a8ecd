package io.daxkv.client;

/**
 * How durable a write is when its future completes, sent with each write request.
 *
 * <ul>
 *   <li>{@link #SERVER_DEFAULT}: whatever the server is configured with.</li>
 *   <li>{@link #ASYNC}: the write is applied (visible to every later read) and becomes durable
 *       within the server's commit interval; a power failure before then may lose it.</li>
 *   <li>{@link #SYNC}: the write's journal transaction is durable on the server's device.</li>
 * </ul>
 *
 * Reads ignore durability. {@link DaxKVClient#sync()} makes every write acknowledged before it
 * durable.
 */
public enum Durability {
    SERVER_DEFAULT(io.daxkv.protocol.Durability.DURABILITY_DEFAULT),
    ASYNC(io.daxkv.protocol.Durability.DURABILITY_ASYNC),
    SYNC(io.daxkv.protocol.Durability.DURABILITY_SYNC);

    private final io.daxkv.protocol.Durability wire;

    Durability(io.daxkv.protocol.Durability wire) {
        this.wire = wire;
    }

    /** The value sent on the wire. */
    io.daxkv.protocol.Durability wire() {
        return wire;
    }
}
