package io.daxkv.bench.ycsb;

import io.daxkv.JvmFlags;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * How the matrix starts a JVM, the same for every store: the java binary, the JVM options (heap,
 * GC), daxkv's {@code --add-opens}/{@code --add-exports}/{@code -D} flags ({@link JvmFlags}, from
 * the parent pom) plus the peers' extra flags (Chronicle Map's, from bench/pom.xml's
 * {@code bench.jvm.*} via {@code peer-jvm-flags.properties}), and one classpath.
 */
final class ForkJvm {

    final String java;
    final List<String> options;
    final String classpath;

    /** {@code classpath}'s entries are made absolute: the forked JVMs run in another directory. */
    ForkJvm(String java, List<String> options, String classpath) {
        this.java = java;
        this.options = List.copyOf(options);
        List<String> entries = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        this.classpath = String.join(File.pathSeparator, entries);
    }

    /** daxkv's flags, then the peers' extras, each once, in command-line form. */
    static List<String> flags() {
        Set<String> out = new LinkedHashSet<>(JvmFlags.commandLine());
        Properties peer = new Properties();
        try (InputStream in = ForkJvm.class.getResourceAsStream("peer-jvm-flags.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/daxkv/bench/ycsb/peer-jvm-flags.properties missing from the classpath");
            }
            peer.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String s : split(peer.getProperty("opens", ""))) {
            out.add("--add-opens=" + s + "=ALL-UNNAMED");
        }
        for (String s : split(peer.getProperty("exports", ""))) {
            out.add("--add-exports=" + s + "=ALL-UNNAMED");
        }
        out.addAll(split(peer.getProperty("props", "")));
        return new ArrayList<>(out);
    }

    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.trim().split("\\s+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    /** java, the options, the flags, -cp, the main class and its arguments. */
    List<String> command(String mainClass, List<String> args) {
        List<String> c = new ArrayList<>();
        c.add(java);
        c.addAll(options);
        c.addAll(flags());
        c.add("-cp");
        c.add(classpath);
        c.add(mainClass);
        c.addAll(args);
        return c;
    }

    /** Whether {@code className} is on this JVM's classpath (looked up by resource name, not loaded). */
    boolean hasClass(String className) {
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                try {
                    urls.add(Path.of(entry).toAbsolutePath().toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("classpath entry " + entry, e);
                }
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), null)) {
            return loader.findResource(className.replace('.', '/') + ".class") != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A finished (or killed) child process. */
    record Exit(int code, boolean timedOut, long elapsedMs) {
    }

    /**
     * Runs {@code command} in {@code workDir}, stdout to {@code out}, stderr to {@code err}, stdin
     * empty; kills it (and its descendants) when it runs longer than {@code timeoutSeconds}.
     */
    static Exit run(List<String> command, Path workDir, Path out, Path err, long timeoutSeconds)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                kill(p);
            }
            return new Exit(done ? p.exitValue() : -1, !done, (System.nanoTime() - start) / 1_000_000);
        } finally {
            if (p.isAlive()) { // interrupted
                kill(p);
            }
        }
    }

    /** SIGTERM, then SIGKILL after 10 s, for the process and whatever it started. */
    static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
