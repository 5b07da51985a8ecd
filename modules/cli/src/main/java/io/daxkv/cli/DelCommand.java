package io.daxkv.cli;

import io.daxkv.DaxKV;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "del", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Deletes KEY. Exits 1 when it was absent."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.E0, ExitCodes.E1, ExitCodes.E2, ExitCodes.E3, ExitCodes.E4})
final class DelCommand extends DataCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "the key (UTF-8 text)")
    String key;

    @Option(names = "--sync", description = "return only once the delete is durable (Durability.SYNC)")
    boolean sync;

    @Override
    public Integer call() {
        byte[] k = keyBytes(key, "KEY");
        boolean deleted;
        try (Target kv = open(sync)) {
            deleted = kv.delete(k);
        }
        if (!deleted) {
            err().println("daxkv: not found: " + Text.escape(k));
            return ExitCodes.ABSENT;
        }
        return ExitCodes.OK;
    }
}
