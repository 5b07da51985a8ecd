package io.daxkv.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Runs {@link Main#run} in this JVM and captures what it writes. */
final class CliTestSupport {

    private CliTestSupport() {
    }

    /** One run: exit code, stdout bytes, stderr text. */
    record Result(int code, byte[] out, String err) {
        String outText() {
            return new String(out, UTF_8);
        }

        List<String> outLines() {
            return outText().lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + code + ", stdout [" + outText() + "], stderr [" + err + "]";
        }
    }

    static Result run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, UTF_8); PrintStream e = new PrintStream(err, true, UTF_8)) {
            code = Main.run(args, new ByteArrayInputStream(stdin), o, e);
        }
        return new Result(code, out.toByteArray(), err.toString(UTF_8));
    }

    static Result run(String... args) {
        return run(new byte[0], args);
    }

    /** Runs and checks the exit code, showing everything the run printed when it differs. */
    static Result expect(int code, byte[] stdin, String... args) {
        Result r = run(stdin, args);
        assertEquals(code, r.code(), () -> "daxkv " + String.join(" ", args) + ": " + r);
        return r;
    }

    static Result expect(int code, String... args) {
        return expect(code, new byte[0], args);
    }

    /** Formats a small store (4 MiB regions) in {@code dir}. */
    static void format(Path dir) {
        expect(0, "format", dir.toString(), "--region-size", "4M");
    }

    /** Asserts a one-line error "daxkv: ..." on stderr and returns it. */
    static String oneLineError(Result r) {
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), () -> "expected one stderr line: " + r);
        String line = lines.get(0);
        org.junit.jupiter.api.Assertions.assertTrue(line.startsWith("daxkv: "), () -> "no 'daxkv: ' prefix: " + r);
        return line;
    }
}
