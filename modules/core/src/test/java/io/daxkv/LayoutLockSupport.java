package io.daxkv;

import java.nio.file.Path;

/**
 * A second process for {@link BadInputTest}: tries to open the store named by its argument and
 * says how that went through its exit status, so a test can check that the directory lock holds
 * across processes, not only inside one JVM.
 */
final class LayoutLockSupport {

    static final int OPENED = 0;
    static final int LOCKED = 3;
    static final int OTHER_ERROR = 4;

    private LayoutLockSupport() {
    }

    public static void main(String[] args) {
        int status;
        try (DaxKV kv = DaxKV.open(Path.of(args[0]), LayoutTestSupport.small())) {
            status = OPENED;
        } catch (DaxKVException.Locked e) {
            status = LOCKED;
        } catch (RuntimeException e) {
            e.printStackTrace();
            status = OTHER_ERROR;
        }
        System.exit(status);
    }
}
