package io.daxkv.cli;

import io.daxkv.DaxKV;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A command on the data of an existing store: put, get, del, scan. */
abstract class DataCommand extends BaseCommand {

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "./data",
            description = "the store directory (default: ${DEFAULT-VALUE}); must hold a store made by 'daxkv format'")
    Path dir;

    /** The bytes of a KEY argument, checked against the key limits before the store is opened. */
    static byte[] keyBytes(String key, String what) {
        byte[] k = Text.argBytes(key, what);
        if (k.length == 0) {
            throw CliException.usage(what + " must not be empty");
        }
        if (k.length > DaxKV.MAX_KEY_BYTES) {
            throw CliException.usage(what + " is " + k.length + " bytes, over the limit of "
                    + DaxKV.MAX_KEY_BYTES + " bytes");
        }
        return k;
    }
}
