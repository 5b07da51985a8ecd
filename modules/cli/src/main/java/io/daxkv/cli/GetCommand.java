package io.daxkv.cli;

import io.daxkv.DaxKV;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Writes the value stored under KEY to stdout: its bytes exactly as stored, then a newline"
                + " (-n leaves the newline out, e.g. to copy a binary value to a file).",
            "Exits 1, writing nothing to stdout, when KEY is absent.",
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.E0, ExitCodes.E1, ExitCodes.E2, ExitCodes.E3, ExitCodes.E4})
final class GetCommand extends DataCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "the key (UTF-8 text)")
    String key;

    @Option(names = {"-n", "--no-newline"}, description = "do not write a newline after the value")
    boolean noNewline;

    @Override
    public Integer call() {
        byte[] k = keyBytes(key, "KEY");
        byte[] v;
        try (Target kv = open(false)) {
            v = kv.get(k);
        }
        if (v == null) {
            err().println("daxkv: not found: " + Text.escape(k));
            return ExitCodes.ABSENT;
        }
        out().write(v, 0, v.length);
        if (!noNewline) {
            out().write('\n');
        }
        out().flush();
        return ExitCodes.OK;
    }
}
