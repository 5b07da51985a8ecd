package io.daxkv.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The keys and values every store is loaded with, the same bytes for every store and every run.
 *
 * <p>Keys are 16 bytes: {@code "user"} and the key number zero-padded to 12 digits
 * ({@code user000000000042}). Values are random bytes from a fixed seed; a pool of
 * {@value #VALUE_POOL} distinct values of the requested size is shared by all keys (key
 * {@code i} is loaded with value {@code i % VALUE_POOL}) so 1M x 1 KiB does not cost 1 GiB of
 * heap before a store holds anything.
 */
final class Dataset {

    static final int KEY_BYTES = 16;
    static final int VALUE_POOL = 1024;
    private static final byte[] PREFIX = "user".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_KEY_NUMBER = 999_999_999_999L;

    final int keyCount;
    final int valueSize;
    /** keys[i] is key number i. */
    final byte[][] keys;
    private final byte[][] values;

    private Dataset(int keyCount, int valueSize) {
        if (keyCount < 1) {
            throw new IllegalArgumentException("keys must be at least 1, got " + keyCount);
        }
        if (valueSize < 0) {
            throw new IllegalArgumentException("valueSize must not be negative, got " + valueSize);
        }
        this.keyCount = keyCount;
        this.valueSize = valueSize;
        this.keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = key(i);
        }
        this.values = new byte[VALUE_POOL][];
        SplittableRandom rnd = new SplittableRandom(0x5EED_DA7AL ^ valueSize);
        for (int i = 0; i < VALUE_POOL; i++) {
            values[i] = new byte[valueSize];
            rnd.nextBytes(values[i]);
        }
    }

    static Dataset of(int keyCount, int valueSize) {
        return new Dataset(keyCount, valueSize);
    }

    /** Value number {@code i % VALUE_POOL}. */
    byte[] value(int i) {
        return values[i & (VALUE_POOL - 1)];
    }

    /** The value key number {@code i} is preloaded with. */
    byte[] loadedValue(int i) {
        return value(i);
    }

    static byte[] key(long number) {
        byte[] k = new byte[KEY_BYTES];
        writeKey(number, k);
        return k;
    }

    /** Writes key number {@code number} into {@code dst[0..16)} without allocating. */
    static void writeKey(long number, byte[] dst) {
        if (number < 0 || number > MAX_KEY_NUMBER) {
            throw new IllegalArgumentException("key number out of range: " + number);
        }
        System.arraycopy(PREFIX, 0, dst, 0, PREFIX.length);
        long n = number;
        for (int i = KEY_BYTES - 1; i >= PREFIX.length; i--) {
            dst[i] = (byte) ('0' + (int) (n % 10));
            n /= 10;
        }
    }

    /** A small, fast, per-thread random source (xorshift64); no allocation, no sharing. */
    static final class Rng {
        private long s;

        Rng(long seed) {
            long z = seed + 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            this.s = z == 0 ? 0x2545F4914F6CDD1DL : z;
        }

        /** Uniform in [0, bound). */
        int nextInt(int bound) {
            long x = s;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            s = x;
            return (int) (((x >>> 32) * bound) >>> 32);
        }
    }
}
