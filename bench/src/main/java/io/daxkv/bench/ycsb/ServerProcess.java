package io.daxkv.bench.ycsb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import redis.clients.jedis.Jedis;

/**
 * A server the matrix starts for one row and stops after it: redis-server, or daxkv's
 * {@code BenchServer} (the network benchmark's server: one store, {@code READY <port>} on stdout,
 * stops when its stdin closes). Both listen on 127.0.0.1 only, on a port picked free, with their
 * data in the row's scratch directory. {@link #close} stops the process (gracefully, then by
 * force) and is idempotent.
 */
final class ServerProcess implements AutoCloseable {

    private static final long READY_TIMEOUT_SECONDS = 60;

    private final Process process;
    private final int port;
    private final String what;
    /** BenchServer stops when its stdin ends; redis-server needs SIGTERM. */
    private final boolean stopsAtEndOfStdin;
    private boolean closed;

    private ServerProcess(Process process, int port, String what, boolean stopsAtEndOfStdin) {
        this.process = process;
        this.port = port;
        this.what = what;
        this.stopsAtEndOfStdin = stopsAtEndOfStdin;
    }

    int port() {
        return port;
    }

    /**
     * Starts redis-server with AOF on ({@code appendfsync} of {@code durability}), RDB snapshots
     * off ({@code save ""}: the AOF is the durability under test), data in {@code dir}, its log in
     * {@code log}; returns once it answers PING.
     */
    static ServerProcess redis(String redisServer, Path dir, Path log, PeerDurability durability)
            throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port may be taken before redis binds it
            int port = freePort();
            List<String> cmd = List.of(redisServer, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--protected-mode", "yes", "--daemonize", "no", "--dir", dir.toString(),
                    "--appendonly", "yes", "--appendfsync", RedisPeerDB.appendfsync(durability), "--save", "",
                    "--logfile", log.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            ServerProcess s = new ServerProcess(p, port, "redis-server on port " + port, false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
            while (p.isAlive() && System.nanoTime() < deadline) {
                try (Jedis j = RedisPeerDB.connect("127.0.0.1", port, 1000)) {
                    if ("PONG".equals(j.ping())) {
                        return s;
                    }
                } catch (RuntimeException e) {
                    Thread.sleep(50);
                }
            }
            s.close();
            last = new IOException("redis-server did not answer PING on port " + port + " (exit "
                    + (p.isAlive() ? "none: killed" : p.exitValue()) + "); see " + log);
        }
        throw last;
    }

    /** CONFIG SET appendfsync on the running redis-server (the run phase of a SYNC row). */
    void redisAppendfsync(PeerDurability durability) {
        try (Jedis j = RedisPeerDB.connect("127.0.0.1", port, 10_000)) {
            j.configSet("appendfsync", RedisPeerDB.appendfsync(durability));
        }
    }

    /**
     * Starts daxkv's BenchServer (1 I/O thread, default durability {@code durability}, store in
     * {@code dir}) with the matrix's JVM settings; stderr to {@code log}; returns once it prints
     * {@code READY <port>}.
     */
    static ServerProcess daxkv(ForkJvm jvm, Path dir, Path log, PeerDurability durability)
            throws IOException, InterruptedException {
        List<String> cmd = jvm.command("io.daxkv.bench.net.BenchServer", List.of("--dir", dir.toString(),
                "--durability", durability.name(), "--io-threads", "1"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("READY ")) {
                        return Integer.parseInt(line.substring("READY ".length()).trim());
                    }
                }
                return -1;
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
        });
        int port;
        try {
            port = ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            port = -1;
        }
        ServerProcess s = new ServerProcess(p, port, "daxkv BenchServer on port " + port, true);
        if (port <= 0) {
            s.close();
            throw new IOException("daxkv BenchServer did not print READY within " + READY_TIMEOUT_SECONDS
                    + " s; see " + log);
        }
        return s;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Whether the process is still running (a server that died mid-row fails the row). */
    boolean alive() {
        return process.isAlive();
    }

    String describe() {
        return what;
    }

    /**
     * Stops the server: BenchServer by closing its stdin (graceful: drains, commits, closes the
     * store), redis-server by SIGTERM (it fsyncs the AOF and exits); SIGTERM after 15 s, SIGKILL
     * after 15 more.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (OutputStream in = process.getOutputStream()) {
            in.flush();
        } catch (IOException e) {
            // already closed: the process is gone
        }
        if (!stopsAtEndOfStdin) {
            process.destroy();
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
