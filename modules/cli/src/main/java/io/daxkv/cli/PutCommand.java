package io.daxkv.cli;

import io.daxkv.DaxKV;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "put", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Stores VALUE under KEY, replacing any value.",
            "VALUE '-' reads the value whole from stdin, bytes as they are (binary-safe);"
                + " otherwise VALUE is taken as UTF-8 text.",
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.E0, ExitCodes.E2, ExitCodes.E3, ExitCodes.E4})
final class PutCommand extends DataCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "the key (UTF-8 text, 1 to "
            + DaxKV.MAX_KEY_BYTES + " bytes)")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "the value, or '-' to read it from stdin")
    String value;

    @Option(names = "--sync", description = "return only once the write is durable (Durability.SYNC)")
    boolean sync;

    @Override
    public Integer call() {
        byte[] k = keyBytes(key, "KEY");
        byte[] v = "-".equals(value) ? readStdin() : Text.argBytes(value, "VALUE");
        try (Target kv = open(sync)) {
            kv.put(k, v);
        }
        return ExitCodes.OK;
    }

    private byte[] readStdin() {
        int limit = (int) Math.min(DaxKV.MAX_VALUE_BYTES, Integer.MAX_VALUE - 16);
        byte[] v;
        try {
            v = in().readNBytes(limit + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the value from stdin: " + e.getMessage(), e);
        }
        if (v.length > limit) {
            throw CliException.usage("the value on stdin is over the limit of " + limit + " bytes");
        }
        return v;
    }
}
