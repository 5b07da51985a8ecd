package io.daxkv.server.config;

import io.daxkv.Options;

/**
 * {@code store.zeroer}: the store's background zeroer, which keeps free blocks zeroed and
 * pre-faulted ahead of the writers.
 *
 * @param enabled  {@code store.zeroer.enabled}
 * @param poolSize {@code store.zeroer.pool-size}, bytes kept zeroed ahead: 0 to 1 GiB
 */
public record ZeroerSettings(boolean enabled, long poolSize) {
    /** Largest {@code pool-size}, what {@link Options.Builder#zeroerPoolBytes} accepts. */
    public static final long MAX_POOL_SIZE = 1L << 30;

    public ZeroerSettings {
        Check.sizeRange("store.zeroer.pool-size", poolSize, 0, MAX_POOL_SIZE);
    }

    /** Enabled, 32 MiB. */
    public static ZeroerSettings defaults() {
        return new ZeroerSettings(true, Options.DEFAULT_ZEROER_POOL_BYTES);
    }
}
