package io.daxkv.client;

/**
 * The operations of the protocol as the client names them in errors, and which of them may be
 * sent again after their connection dropped.
 *
 * <p>Idempotent here means "sending it twice is indistinguishable from sending it once, whatever
 * other clients do in between": reads, {@code ping}, {@code stats}, and {@code sync} (which
 * writes nothing and only waits for earlier writes to be durable). Every write is not: a put
 * resent after its first copy was applied could land after another client's later write to the
 * same key and undo it; a delete or conditional write would answer differently the second time.
 */
enum Operation {
    HELLO("hello", false),
    GET("get", true),
    PUT("put", false),
    DELETE("delete", false),
    PUT_IF_ABSENT("putIfAbsent", false),
    REPLACE("replace", false),
    SCAN("scan", true),
    BATCH("write", false),
    SYNC("sync", true),
    PING("ping", true),
    STATS("stats", true);

    private final String displayName;
    private final boolean idempotent;

    Operation(String displayName, boolean idempotent) {
        this.displayName = displayName;
        this.idempotent = idempotent;
    }

    /** Whether it may be resent after its connection dropped with it in flight. */
    boolean idempotent() {
        return idempotent;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
