package io.daxkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DaxKV.open on a JVM without the flags fails at once, listing them; with them it works. */
class JvmFlagsTest {

    @TempDir
    Path dir;

    @Test
    void theListIsFilteredFromThePom() {
        assertFalse(JvmFlags.opens().isEmpty(), "opens came through resource filtering");
        assertFalse(JvmFlags.exports().isEmpty(), "exports came through resource filtering");
        assertTrue(JvmFlags.commandLine().contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"));
        assertTrue(JvmFlags.commandLine().contains("--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED"));
        assertTrue(JvmFlags.missing().isEmpty(), "surefire's argLine carries every flag: " + JvmFlags.missing());
    }

    @Test
    void withoutFlagsOpenFailsAtOnceListingThem() throws Exception {
        Result r = runProbe(List.of(), dir.resolve("without"));
        assertEquals(3, r.exit, r.output);
        assertTrue(r.output.contains("MISSING"), r.output);
        for (String flag : JvmFlags.commandLine()) {
            assertTrue(r.output.contains(flag), "message lists " + flag + ": " + r.output);
        }
        assertFalse(Files.exists(dir.resolve("without").resolve("MANIFEST")), "nothing was created");
    }

    @Test
    void withFlagsOpenWorks() throws Exception {
        Result r = runProbe(JvmFlags.commandLine(), dir.resolve("with"));
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("OPENED"), r.output);
    }

    private static final class Result {
        final int exit;
        final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    private static Result runProbe(List<String> flags, Path store) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(JvmFlagsProbe.class.getName());
        cmd.add(store.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe JVM did not finish in 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
