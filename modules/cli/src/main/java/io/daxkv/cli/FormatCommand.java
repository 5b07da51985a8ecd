package io.daxkv.cli;

import io.daxkv.DaxKV;
import io.daxkv.DaxKVException;
import io.daxkv.Durability;
import io.daxkv.JvmFlags;
import io.daxkv.Options;
import io.daxkv.Stats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "format", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Creates a new, empty store in DIR, which must be missing (it is created, with its parents)"
                + " or an empty directory.",
            "Refuses a DIR that already holds a store or anything else: format never overwrites.",
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.E0, ExitCodes.E2, ExitCodes.E3, ExitCodes.E4})
final class FormatCommand extends BaseCommand {

    /** The store's manifest: a directory holding it is a store (io.daxkv.region.Manifest). */
    private static final String MANIFEST = io.daxkv.region.Manifest.FILE_NAME;

    @Parameters(index = "0", paramLabel = "DIR", description = "the directory to create the store in")
    Path dir;

    @Option(names = "--region-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "size of each region file: a multiple of 1M from "
                    + (Options.MIN_REGION_SIZE_BYTES >> 20) + "M to " + (Options.MAX_REGION_SIZE_BYTES >> 20)
                    + "M (default: " + (Options.DEFAULT_REGION_SIZE_BYTES >> 20) + "M);"
                    + " the suffixes K, M, G are powers of 1024")
    Long regionSize;

    @Option(names = "--block-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "allocation block size: a power of two from " + Options.MIN_BLOCK_SIZE_BYTES
                    + " to " + (Options.MAX_BLOCK_SIZE_BYTES >> 10) + "K (default: "
                    + Options.DEFAULT_BLOCK_SIZE_BYTES + ")")
    Long blockSize;

    @Option(names = "--journal-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "size of the JOURNAL file: a multiple of 4K from " + (Options.MIN_JOURNAL_SIZE_BYTES >> 20)
                    + "M to " + (Options.MAX_JOURNAL_SIZE_BYTES >> 20) + "M (default: "
                    + (Options.DEFAULT_JOURNAL_SIZE_BYTES >> 20) + "M)")
    Long journalSize;

    @Override
    public Integer call() {
        Options options = options();
        JvmFlags.check();
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) || Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw CliException.usage("refusing to format " + dir + ": it exists and is not a directory");
            }
            String first = firstEntry(dir);
            if (first != null) {
                if (isFile(dir.resolve(MANIFEST))) {
                    throw CliException.usage("refusing to format " + dir + ": it already holds a daxkv store");
                }
                throw CliException.usage("refusing to format " + dir + ": the directory is not empty (it holds '"
                        + Text.escape(first.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        + "'); format needs a missing or empty directory");
            }
        } else {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
            }
        }
        Stats s;
        try (DaxKV kv = DaxKV.open(dir, options)) {
            kv.sync();
            s = kv.stats();
        }
        out().println("formatted " + dir + ": " + s.regions() + " region(s) of " + options.regionSizeBytes()
                + " bytes, block size " + s.blockSizeBytes() + " bytes, " + s.blocksTotal() + " data blocks");
        out().flush();
        return ExitCodes.OK;
    }

    /** The geometry from the options; a rejected value is a usage error naming its option. */
    private Options options() {
        Options.Builder b = Options.builder().durability(Durability.SYNC).zeroer(false);
        if (regionSize != null) {
            try {
                b.regionSizeBytes(regionSize);
            } catch (DaxKVException.InvalidArgument e) {
                throw badOption("--region-size", regionSize, "must be a multiple of 1M from "
                        + Options.MIN_REGION_SIZE_BYTES + " to " + Options.MAX_REGION_SIZE_BYTES + " bytes");
            }
        }
        if (blockSize != null) {
            try {
                if (blockSize > Integer.MAX_VALUE) {
                    throw new DaxKVException.InvalidArgument("too large");
                }
                b.blockSizeBytes(blockSize.intValue());
            } catch (DaxKVException.InvalidArgument e) {
                throw badOption("--block-size", blockSize, "must be a power of two from "
                        + Options.MIN_BLOCK_SIZE_BYTES + " to " + Options.MAX_BLOCK_SIZE_BYTES + " bytes");
            }
        }
        if (journalSize != null) {
            try {
                b.journalSizeBytes(journalSize);
            } catch (DaxKVException.InvalidArgument e) {
                throw badOption("--journal-size", journalSize, "must be a multiple of 4096 from "
                        + Options.MIN_JOURNAL_SIZE_BYTES + " to " + Options.MAX_JOURNAL_SIZE_BYTES + " bytes");
            }
        }
        try {
            return b.build();
        } catch (DaxKVException.InvalidArgument e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--block-size': "
                    + e.getMessage() + " (raise --region-size or lower --block-size)");
        }
    }

    private ParameterException badOption(String option, long value, String rule) {
        return new ParameterException(spec.commandLine(),
                "Invalid value for option '" + option + "': " + value + " " + rule);
    }
}
