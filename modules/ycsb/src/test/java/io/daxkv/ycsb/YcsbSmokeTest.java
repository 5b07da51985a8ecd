package io.daxkv.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.daxkv.JvmFlags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * YCSB itself drives each binding: {@code site.ycsb.Client -load}, then {@code -t}, with
 * bench/ycsb/workloads/workloada (1000 records, 1000 operations, 2 threads), in a child JVM
 * (the Client calls System.exit) started with daxkv's JVM flags and this JVM's classpath. Fails
 * on any operation that did not return OK, on a missing result, or a non-zero exit.
 */
class YcsbSmokeTest {

    private static final long PHASE_TIMEOUT_SECONDS = 180;
    private static final int RECORDS = 1000;
    private static final int OPERATIONS = 1000;

    /** "[INSERT], Return=OK, 1000" and "[READ-FAILED], Operations, 3". */
    private static final Pattern RETURN = Pattern.compile("^\\[([A-Z-]+)\\], Return=([A-Za-z_]+), (\\d+)$");
    private static final Pattern FAILED = Pattern.compile("^\\[([A-Z-]+-FAILED)\\], Operations, (\\d+)$");

    @TempDir
    Path tmp;

    @Test
    void embeddedBinding() throws Exception {
        List<String> props = List.of("-p", "daxkv.dir=" + tmp.resolve("store"), "-p", "daxkv.region-size=16M",
                "-p", "daxkv.journal-size=16M");
        loadAndRun(DaxKVEmbeddedDB.class, props);
    }

    @Test
    void clientBindingAgainstAServerInThisJvm() throws Exception {
        try (ServedStore served = new ServedStore(tmp.resolve("store"), Map.of())) {
            loadAndRun(DaxKVClientDB.class, List.of("-p", "daxkv.port=" + served.port()));
        }
    }

    private void loadAndRun(Class<?> binding, List<String> props) throws Exception {
        Phase load = ycsb("-load", binding, props);
        assertEquals(Map.of("INSERT", (long) RECORDS), load.ok, load.describe());
        assertEquals(Map.of(), load.failures, load.describe());

        Phase run = ycsb("-t", binding, props);
        assertEquals(Map.of(), run.failures, run.describe());
        assertEquals(OPERATIONS, run.ok.values().stream().mapToLong(Long::longValue).sum(), run.describe());
        assertEquals(List.of("READ", "UPDATE"), new ArrayList<>(run.ok.keySet()), "workload A: reads and updates; "
                + run.describe());
    }

    /** What one YCSB phase printed: OK counts per operation, and every other outcome with its count. */
    private record Phase(String name, int exitCode, Map<String, Long> ok, Map<String, Long> failures, String stdout,
                         String stderr) {
        String describe() {
            return "YCSB " + name + " (exit " + exitCode + ")\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }

    private Phase ycsb(String phase, Class<?> binding, List<String> props) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmFlags.commandLine());
        command.add("-Xmx512m");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "site.ycsb.Client", phase,
                "-db", binding.getName(), "-P", workload("workloada").toString(),
                "-p", "recordcount=" + RECORDS, "-p", "operationcount=" + OPERATIONS, "-threads", "2"));
        command.addAll(props);
        String name = phase.substring(1);
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(PHASE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                fail("YCSB " + name + " did not finish within " + PHASE_TIMEOUT_SECONDS + " s\n--- stdout:\n"
                        + Files.readString(out) + "\n--- stderr:\n" + Files.readString(err));
            }
        } finally {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        Map<String, Long> ok = new TreeMap<>();
        Map<String, Long> failures = new TreeMap<>();
        for (String line : stdout.split("\n")) {
            Matcher r = RETURN.matcher(line.strip());
            if (r.matches()) {
                (r.group(2).equals("OK") ? ok : failures).merge(r.group(1) + (r.group(2).equals("OK") ? ""
                        : " " + r.group(2)), Long.parseLong(r.group(3)), Long::sum);
            }
            Matcher f = FAILED.matcher(line.strip());
            if (f.matches()) {
                failures.merge(f.group(1), Long.parseLong(f.group(2)), Long::sum);
            }
        }
        Phase result = new Phase(name, p.exitValue(), ok, failures, stdout, stderr);
        assertEquals(0, result.exitCode, result.describe());
        assertTrue(stdout.contains("[OVERALL], Throughput(ops/sec), "), result.describe());
        // a thread whose init or cleanup failed prints this (on stdout too) and does nothing
        assertTrue(!stdout.contains("site.ycsb.DBException"), result.describe());
        return result;
    }

    /** bench/ycsb/workloads/NAME, found from the working directory (the module's, under surefire) upwards. */
    static Path workload(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path f = dir.resolve("bench/ycsb/workloads").resolve(name);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IllegalStateException("bench/ycsb/workloads/" + name + " not found above " + Path.of("").toAbsolutePath());
    }
}
