package io.daxkv.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.daxkv.Cursor;
import io.daxkv.DaxKV;
import io.daxkv.Entry;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "scan", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Lists keys in unsigned byte order, one 'key<TAB>value' line each.",
            "Keys and values are shown as UTF-8 text; bytes that are not printable UTF-8"
                + " (tab and newline among them) are shown as \\xNN, a backslash as \\\\.",
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.E0, ExitCodes.E2, ExitCodes.E3, ExitCodes.E4})
final class ScanCommand extends DataCommand {

    @Option(names = "--from", paramLabel = "KEY", description = "start at this key, inclusive (default: the first key)")
    String from;

    @Option(names = "--to", paramLabel = "KEY", description = "stop before this key, exclusive (default: after the last key)")
    String to;

    @Option(names = "--limit", paramLabel = "N", description = "list at most N entries (default: all)")
    Long limit;

    @Override
    public Integer call() {
        if (limit != null && limit < 0) {
            throw CliException.usage("--limit must be 0 or more, got " + limit);
        }
        byte[] start = from == null ? new byte[0] : keyBytes(from, "--from");
        byte[] end = to == null ? null : keyBytes(to, "--to");
        PrintStream out = out();
        long[] n = {0};
        try (Target kv = open(false)) {
            if (limit == null || limit > 0) {
                kv.scan(start, end, (key, value) -> {
                    byte[] line = (Text.escape(key) + '\t' + Text.escape(value) + '\n').getBytes(UTF_8);
                    out.write(line, 0, line.length);
                    n[0]++;
                    if ((n[0] & 255) == 0 && out.checkError()) {
                        return false; // the reader went away (scan | head): stop quietly
                    }
                    return limit == null || n[0] < limit;
                });
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
