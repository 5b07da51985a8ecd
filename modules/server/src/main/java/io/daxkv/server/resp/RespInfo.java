package io.daxkv.server.resp;

import io.daxkv.DaxKV;
import io.daxkv.Stats;
import io.daxkv.server.DaxKVServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What INFO, CONFIG GET and COMMAND answer. */
final class RespInfo {

    /**
     * The Redis version INFO reports: the command set and reply formats daxkv follows. Tools read
     * it to pick features; daxkv_version says what really answers.
     */
    static final String REDIS_VERSION = "7.0.0";

    /** name, arity (negative: at least), flags, first key, last key, step: as COMMAND reports them. */
    private record Spec(String name, int arity, String flags, int first, int last, int step) {
    }

    private static final List<Spec> COMMANDS = List.of(
            new Spec("ping", -1, "fast", 0, 0, 0),
            new Spec("echo", 2, "fast", 0, 0, 0),
            new Spec("get", 2, "readonly fast", 1, 1, 1),
            new Spec("set", -3, "write denyoom", 1, 1, 1),
            new Spec("del", -2, "write", 1, -1, 1),
            new Spec("exists", -2, "readonly fast", 1, -1, 1),
            new Spec("mget", -2, "readonly fast", 1, -1, 1),
            new Spec("mset", -3, "write denyoom", 1, -1, 2),
            new Spec("dbsize", 1, "readonly fast", 0, 0, 0),
            new Spec("scan", -2, "readonly", 0, 0, 0),
            new Spec("info", -1, "loading stale", 0, 0, 0),
            new Spec("config", -2, "admin", 0, 0, 0),
            new Spec("command", -1, "loading stale", 0, 0, 0),
            new Spec("select", 2, "loading stale fast", 0, 0, 0),
            new Spec("auth", -2, "noscript loading stale fast", 0, 0, 0),
            new Spec("quit", -1, "loading stale fast", 0, 0, 0));

    private RespInfo() {
    }

    static Map<String, String> config(RespContext c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("save", ""); // no RDB snapshots: every write is journaled
        m.put("appendonly", "no"); // no AOF either; durability is the journal's (store.durability)
        m.put("databases", "1");
        m.put("maxmemory", "0");
        m.put("proto-max-bulk-len", Integer.toString(c.maxBulkBytes()));
        m.put("timeout", Long.toString(c.config().limits().idleTimeout().toSeconds()));
        m.put("maxclients", Integer.toString(c.config().limits().maxConnections()));
        m.put("port", Integer.toString(c.config().resp().port()));
        return m;
    }

    static String text(DaxKV kv, RespContext c, String section) {
        String s = section.toLowerCase(Locale.ROOT);
        boolean all = s.equals("all") || s.equals("everything") || s.equals("default");
        Stats st = kv.stats();
        StringBuilder b = new StringBuilder();
        if (all || s.equals("server")) {
            b.append("# Server\r\n")
                    .append("redis_version:").append(REDIS_VERSION).append("\r\n")
                    .append("daxkv_version:").append(DaxKVServer.VERSION).append("\r\n")
                    .append("redis_mode:standalone\r\n")
                    .append("os:").append(System.getProperty("os.name")).append(' ')
                    .append(System.getProperty("os.arch")).append("\r\n")
                    .append("process_id:").append(ProcessHandle.current().pid()).append("\r\n")
                    .append("tcp_port:").append(c.config().resp().port()).append("\r\n")
                    .append("uptime_in_seconds:").append(c.uptimeSeconds()).append("\r\n\r\n");
        }
        if (all || s.equals("clients")) {
            b.append("# Clients\r\n")
                    .append("maxclients:").append(c.config().limits().maxConnections()).append("\r\n\r\n");
        }
        if (all || s.equals("persistence")) {
            b.append("# Persistence\r\n")
                    .append("loading:0\r\n")
                    .append("rdb_changes_since_last_save:0\r\n")
                    .append("aof_enabled:0\r\n")
                    .append("daxkv_durability:").append(c.durability().name().toLowerCase(Locale.ROOT)).append("\r\n")
                    .append("daxkv_journal_commits:").append(st.journalCommits()).append("\r\n")
                    .append("daxkv_journal_checkpoints:").append(st.journalCheckpoints()).append("\r\n")
                    .append("daxkv_journal_used_bytes:").append(st.journalUsedBytes()).append("\r\n\r\n");
        }
        if (all || s.equals("stats")) {
            b.append("# Stats\r\n")
                    .append("total_connections_received:").append(c.connectionsReceived()).append("\r\n")
                    .append("total_commands_processed:").append(c.commandsProcessed()).append("\r\n")
                    .append("daxkv_faults:").append(st.faults()).append("\r\n")
                    .append("daxkv_conversions:").append(st.conversions()).append("\r\n")
                    .append("daxkv_prezeroed_hits:").append(st.preZeroedHits()).append("\r\n\r\n");
        }
        if (all || s.equals("keyspace")) {
            b.append("# Keyspace\r\n");
            if (st.keys() > 0) {
                b.append("db0:keys=").append(st.keys()).append(",expires=0,avg_ttl=0\r\n");
            }
        }
        return b.toString();
    }

    static ByteBuf command(ByteBufAllocator a, RespCommand c) {
        String sub = c.argc() > 1 ? c.argString(1).toUpperCase(Locale.ROOT) : "";
        ByteBuf b = a.ioBuffer(2048);
        switch (sub) {
            case "" -> {
                Resp.arrayHeader(b, COMMANDS.size());
                COMMANDS.forEach(spec -> spec(b, spec));
            }
            case "COUNT" -> Resp.writeInteger(b, COMMANDS.size());
            case "DOCS" -> Resp.arrayHeader(b, 0); // no docs; clients fall back to plain input
            case "INFO" -> {
                Resp.arrayHeader(b, c.argc() - 2);
                for (int i = 2; i < c.argc(); i++) {
                    String name = c.argString(i).toLowerCase(Locale.ROOT);
                    COMMANDS.stream().filter(spec -> spec.name().equals(name)).findFirst()
                            .ifPresentOrElse(spec -> spec(b, spec), () -> b.writeBytes(Resp.NULL_BULK));
                }
            }
            default -> {
                b.release();
                return Resp.error(a, "ERR unknown subcommand '" + c.argString(1) + "'. Try COMMAND HELP.");
            }
        }
        return b;
    }

    private static void spec(ByteBuf b, Spec s) {
        Resp.arrayHeader(b, 6);
        Resp.writeBulk(b, s.name().getBytes(StandardCharsets.US_ASCII));
        Resp.writeInteger(b, s.arity());
        String[] flags = s.flags().split(" ");
        Resp.arrayHeader(b, flags.length);
        for (String f : flags) {
            b.writeByte('+');
            b.writeCharSequence(f, StandardCharsets.US_ASCII);
            b.writeByte('\r').writeByte('\n');
        }
        Resp.writeInteger(b, s.first());
        Resp.writeInteger(b, s.last());
        Resp.writeInteger(b, s.step());
    }
}
