package io.daxkv.client;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the client's tests. */
final class TestSupport {

    private TestSupport() {
    }

    /** The future's failure, which must be of {@code type}; waits at most 20 s. */
    static <T extends Throwable> T failure(CompletableFuture<?> f, Class<T> type) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
        return assertInstanceOf(type, e.getCause(), () -> "failed with " + e.getCause());
    }

    /** The future's value; waits at most 20 s. */
    static <T> T value(CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }
}
