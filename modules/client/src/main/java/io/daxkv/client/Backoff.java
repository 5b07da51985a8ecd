package io.daxkv.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential from an initial step up to a maximum, with "equal jitter" (a
 * random point in the upper half of the step), so that clients cut off together do not all
 * come back in the same millisecond, while none comes back much sooner than the step says.
 */
final class Backoff {

    private Backoff() {
    }

    /**
     * Delay before attempt number {@code failures + 1} after {@code failures} failed attempts:
     * between half of {@code step} and {@code step}, where {@code step = initialMs * 2^failures}
     * capped at {@code maxMs}.
     */
    static long delayMs(int failures, long initialMs, long maxMs) {
        long step = maxMs;
        if (failures < 62 && initialMs <= (maxMs >> failures)) {
            step = initialMs << failures;
        }
        long half = step / 2;
        return half + ThreadLocalRandom.current().nextLong(step - half + 1);
    }
}
