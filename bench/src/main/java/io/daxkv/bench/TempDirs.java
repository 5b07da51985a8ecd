package io.daxkv.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scratch directories for the stores' files: under {@code $DAXKV_BENCH_DIR} when set (pick a
 * disk with room: 1M x 1 KiB is about 1.2 GB per store), else {@code java.io.tmpdir}. Deleted at
 * teardown, and by a shutdown hook when a trial dies before its teardown ran.
 */
public final class TempDirs {

    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path p : LIVE) {
                deleteQuietly(p);
            }
        }, "daxkv-bench-cleanup"));
    }

    private TempDirs() {
    }

    public static Path create(String what) {
        return create(defaultParent(), what);
    }

    /** {@code $DAXKV_BENCH_DIR} when set, else {@code java.io.tmpdir}. */
    public static Path defaultParent() {
        String base = System.getenv("DAXKV_BENCH_DIR");
        return Path.of(base == null || base.isBlank() ? System.getProperty("java.io.tmpdir") : base);
    }

    /** A new scratch directory under {@code parent} (created when missing), deleted at exit at the latest. */
    public static Path create(Path parent, String what) {
        try {
            Files.createDirectories(parent);
            Path dir = Files.createTempDirectory(parent, "daxkv-bench-" + what + "-");
            LIVE.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory under " + parent, e);
        }
    }

    public static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            if (Files.exists(dir)) {
                Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                        Files.delete(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
            }
            LIVE.remove(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            delete(dir);
        } catch (RuntimeException e) {
            System.err.println("[daxkv-bench] could not delete " + dir + ": " + e);
        }
    }

    /** Sum of the (apparent) sizes of the files under {@code dir}; -1 when it cannot be read. */
    static long fileBytes(Path dir) {
        long[] sum = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    sum[0] += attrs.size();
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return -1;
        }
        return sum[0];
    }
}
