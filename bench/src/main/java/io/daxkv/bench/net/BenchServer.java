package io.daxkv.bench.net;

import io.daxkv.DaxKV;
import io.daxkv.Durability;
import io.daxkv.JvmFlags;
import io.daxkv.bench.TempDirs;
import io.daxkv.server.DaxKVServer;
import io.daxkv.server.config.Allocator;
import io.daxkv.server.config.ServerConfig;
import io.daxkv.server.config.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The daxkv server for the network benchmark: one store, one {@link DaxKVServer}, nothing else.
 * Unlike {@code daxkv serve} it stops when its stdin closes and prints {@code READY <port>}, which
 * the benchmark script waits for; kept small on purpose.
 *
 * <pre>
 *   java [daxkv's JVM flags] -cp bench/target/benchmarks.jar io.daxkv.bench.net.BenchServer \
 *       [--dir DIR] [--port 0] [--allocator pooled|adaptive] [--io-threads 1] ...
 * </pre>
 *
 * <p>Prints {@code READY <port>} on stdout once it listens (the only line it writes there; logs
 * go to stderr). Shuts down gracefully (answers in flight, commit, close the store) on SIGTERM,
 * SIGINT, or when its stdin reaches end of file ({@code --no-stdin} turns that off), so a parent
 * holding the pipe cannot leave it running. {@code --print-jvm-flags} prints the flags daxkv
 * needs (from the parent pom, via {@link JvmFlags}) one per line and exits, for scripts.
 */
@Command(name = "bench-server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serves a daxkv store for the network benchmark; prints READY <port> when listening.")
public final class BenchServer implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Store directory (created when missing). Default: a scratch directory under "
                    + "$DAXKV_BENCH_DIR or java.io.tmpdir, deleted at exit.")
    Path dir;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", defaultValue = "0", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--allocator", defaultValue = "POOLED",
            description = "Channel buffer allocator: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Allocator allocator;

    @Option(names = "--io-threads", defaultValue = "1",
            description = "Netty I/O threads (default: ${DEFAULT-VALUE}: the server is pinned to one core).")
    int ioThreads;

    @Option(names = "--transport", defaultValue = "AUTO",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: epoll when available).")
    Transport transport;

    @Option(names = "--durability", defaultValue = "ASYNC",
            description = "Server default durability for writes: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Durability durability;

    @Option(names = "--max-connections", defaultValue = "1024", description = "(default: ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--max-in-flight", defaultValue = "256",
            description = "Writes waiting for their commit per connection before reading pauses (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--admin-port", defaultValue = "-1",
            description = "Admin HTTP (/metrics, /health) on 127.0.0.1:PORT; 0 picks a free port; -1 off (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--latency-histograms", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Server-side per-request latency histograms (Prometheus) on or off (default: ${DEFAULT-VALUE}).")
    boolean latencyHistograms;

    @Option(names = "--no-stdin", description = "Do not shut down when stdin reaches end of file.")
    boolean noStdin;

    @Option(names = "--print-jvm-flags", description = "Print the JVM flags daxkv needs, one per line, and exit.")
    boolean printJvmFlags;

    public static void main(String[] args) {
        int code = new CommandLine(new BenchServer()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The server's settings: the config file's defaults, the bench's flags, sane limits for the rest. */
    ServerConfig config(Path storeDir) {
        Map<String, String> m = new HashMap<>();
        m.put("store.dir", storeDir.toString());
        m.put("store.durability", durability.name().toLowerCase(Locale.ROOT));
        m.put("server.bind", bind);
        m.put("server.port", Integer.toString(port));
        m.put("server.io-threads", Integer.toString(ioThreads));
        m.put("server.transport", transport.name().toLowerCase(Locale.ROOT));
        m.put("server.allocator", allocator.name().toLowerCase(Locale.ROOT));
        m.put("limits.max-connections", Integer.toString(maxConnections));
        m.put("limits.max-in-flight-per-connection", Integer.toString(maxInFlight));
        m.put("limits.max-frame", "2M");
        m.put("limits.max-key", "4K");
        m.put("limits.max-value", "1M");
        m.put("limits.write-buffer-low", "32K");
        m.put("limits.write-buffer-high", "64K");
        m.put("limits.shutdown-grace", "5s");
        m.put("admin.enabled", Boolean.toString(adminPort >= 0));
        m.put("admin.port", Integer.toString(Math.max(adminPort, 0)));
        m.put("metrics.latency-histograms", Boolean.toString(latencyHistograms));
        return ServerConfig.defaults().withOverrides(m, "bench-server flags");
    }

    @Override
    public Integer call() throws Exception {
        if (printJvmFlags) {
            JvmFlags.commandLine().forEach(System.out::println);
            return 0;
        }
        Path storeDir = dir != null ? dir : TempDirs.create("netload");
        boolean scratch = dir == null;
        ServerConfig config = config(storeDir);
        DaxKV kv = DaxKV.open(storeDir, config.toStoreOptions());
        DaxKVServer server = DaxKVServer.start(kv, true, config); // closes the store when it fails
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(); // graceful; closes the store (ownsStore)
            if (scratch) {
                TempDirs.delete(storeDir);
            }
            System.err.println("[bench-server] stopped");
        }, "bench-server-shutdown"));
        System.err.printf("[bench-server] pid %d, %s on %s, allocator %s, %d I/O thread(s), default durability %s, "
                        + "store %s; JVM: %d cpu(s), gc %s, max heap %d MiB%s%n",
                ProcessHandle.current().pid(), server.transport(), server.address(), allocator, ioThreads,
                durability, storeDir, Runtime.getRuntime().availableProcessors(), gcNames(),
                Runtime.getRuntime().maxMemory() >> 20,
                server.adminAddress() != null ? "; admin " + server.adminAddress() : "");
        System.out.println("READY " + server.address().getPort());
        System.out.flush();
        if (!noStdin) {
            Thread watcher = new Thread(BenchServer::exitAtEndOfStdin, "bench-server-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        server.awaitTermination();
        return 0;
    }

    private static void exitAtEndOfStdin() {
        byte[] buf = new byte[256];
        try {
            InputStream in = System.in;
            while (in.read(buf) >= 0) {
                // ignore input; only its end matters
            }
        } catch (IOException e) {
            // treat a broken stdin like its end
        }
        System.err.println("[bench-server] stdin closed: shutting down");
        System.exit(0); // the shutdown hook closes the server
    }

    static String gcNames() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining("+"));
    }
}
