package io.daxkv.cli;

import io.daxkv.DaxKV;
import io.daxkv.JvmFlags;
import io.daxkv.server.DaxKVServer;
import io.daxkv.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Serves a store over the network: the daxkv protocol on --port (7420) and admin HTTP"
                + " (/metrics, /health) on --admin-port (7421, loopback only).",
            "Settings come from --config FILE (see config/daxkv.yaml for every setting and its default),"
                + " then the flags below, which override the file; with neither, the store under ./data"
                + " is served on 127.0.0.1 (created when missing).",
            "SIGTERM (or Ctrl-C) shuts down gracefully: stop accepting, answer the requests already"
                + " read, wait for writes waiting on their commit, commit, close the store.",
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"143:stopped by SIGTERM after a graceful shutdown (130 for Ctrl-C)",
            "2:bad configuration (the message names the setting) or usage", "3:could not start (port in use,"
                + " store error)", ExitCodes.E4})
final class ServeCommand extends BaseCommand {

    @Option(names = "--config", paramLabel = "FILE", description = "a YAML file with the settings to change")
    Path config;

    @Option(names = "--dir", paramLabel = "DIR", description = "the store directory (store.dir; default ./data)")
    Path dir;

    @Option(names = "--port", paramLabel = "P", description = "the protocol port (server.port; default 7420; 0 picks a free one)")
    Integer port;

    @Option(names = "--admin-port", paramLabel = "P", description = "the admin HTTP port (admin.port; default 7421)")
    Integer adminPort;

    @Option(names = "--bind", paramLabel = "ADDR", description = "the address to listen on (server.bind; default"
            + " 127.0.0.1; any other needs an auth token)")
    String bind;

    @Option(names = "--durability", paramLabel = "MODE", description = "async or sync: for requests that do not"
            + " choose (store.durability; default async)")
    String durability;

    @Option(names = "--auth-token-file", paramLabel = "FILE", description = "clients must send the token in this"
            + " file (server.auth-token-file)")
    Path authTokenFile;

    @Option(names = "--no-admin", description = "no admin HTTP port (admin.enabled=false)")
    boolean noAdmin;

    @Option(names = "--resp-port", paramLabel = "P", description = "also speak the Redis protocol (RESP2) on"
            + " this port, e.g. 6380 (resp.enabled=true, resp.port)")
    Integer respPort;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "any setting by its dotted key, e.g."
            + " --set limits.max-value=1M (repeatable)")
    Map<String, String> set = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig cfg = config != null ? ServerConfig.load(config) : ServerConfig.defaults();
        cfg = cfg.withOverrides(overrides(), "command line");
        JvmFlags.check();
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            // one line per record: time, level, logger, message (the JDK's default takes two)
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        }
        Path storeDir = cfg.storeDir();
        DaxKV kv = DaxKV.open(storeDir, cfg.toStoreOptions());
        DaxKVServer server = DaxKVServer.start(kv, true, cfg); // on failure it closes the store it was given
        Thread hook = new Thread(() -> {
            err().println("daxkv: shutting down: no new connections; finishing requests in progress");
            server.close();
            err().println("daxkv: stopped; store " + storeDir + " closed");
            err().flush();
        }, "daxkv-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out().println("daxkv " + DaxKVServer.VERSION + " serving " + storeDir.toAbsolutePath() + " on "
                + hostPort(server.address()) + (server.adminAddress() != null
                ? ", admin http://" + hostPort(server.adminAddress()) + "/metrics" : "")
                + (server.respAddress() != null ? ", RESP on " + hostPort(server.respAddress()) : ""));
        out().flush();
        server.awaitTermination();
        return ExitCodes.OK;
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** The flags as dotted config keys; --set first, so a named flag wins over the same --set. */
    Map<String, String> overrides() {
        Map<String, String> m = new LinkedHashMap<>(set);
        put(m, "store.dir", dir);
        put(m, "server.port", port);
        put(m, "admin.port", adminPort);
        put(m, "server.bind", bind);
        put(m, "store.durability", durability);
        put(m, "server.auth-token-file", authTokenFile);
        if (noAdmin) {
            m.put("admin.enabled", "false");
        }
        if (respPort != null) {
            m.put("resp.enabled", "true");
            m.put("resp.port", respPort.toString());
        }
        return m;
    }

    private static void put(Map<String, String> m, String key, Object value) {
        if (value != null) {
            m.put(key, value.toString());
        }
    }
}
