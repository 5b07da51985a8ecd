package io.daxkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.JvmFlags;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM started without the --add-opens/--add-exports flags gets exit 4 and the list of flags. */
class JvmFlagsTest {

    @TempDir
    Path tmp;

    @Test
    void aJvmWithoutTheFlagsExitsFourListingThem() throws Exception {
        Path dir = tmp.resolve("store");
        Path err = tmp.resolve("stderr.txt");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.add("format");
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(4, p.exitValue(), stderr);
        List<String> lines = stderr.lines().toList();
        assertEquals(1, lines.size(), stderr);
        assertTrue(lines.get(0).startsWith("daxkv: "), stderr);
        for (String flag : JvmFlags.commandLine()) {
            if (flag.startsWith("--add-")) {
                assertTrue(stderr.contains(flag), () -> "message lacks " + flag + ": " + stderr);
            }
        }
        assertFalse(Files.exists(dir), "format created the store directory before checking the flags");
    }
}
