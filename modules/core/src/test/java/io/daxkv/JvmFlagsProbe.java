package io.daxkv;

import java.nio.file.Path;

/** Child-JVM entry point for {@link JvmFlagsTest}: opens a store and reports what happened. */
public final class JvmFlagsProbe {
    private JvmFlagsProbe() {
    }

    public static void main(String[] args) {
        try (DaxKV kv = DaxKV.open(Path.of(args[0]))) {
            kv.put(new byte[] {1}, new byte[] {2});
            System.out.println("OPENED");
        } catch (DaxKVException.MissingJvmFlags e) {
            System.out.println("MISSING " + e.getMessage());
            System.exit(3);
        }
    }
}
