package io.daxkv.cli;

import io.daxkv.JvmFlags;
import io.daxkv.fsck.Finding;
import io.daxkv.fsck.Fsck;
import io.daxkv.fsck.FsckReport;
import io.daxkv.fsck.ProgressListener;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code daxkv fsck DIR [--repair]}: {@link Fsck} on the command line, with e2fsck's exit codes
 * (its own list, not the other commands': 4 here means errors left, not missing JVM flags).
 */
@Command(name = "fsck", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Checks the store in DIR: replays its journal first when it was not closed clean (as any open"
                + " does; a replay alone is a clean result), then checks the manifest, superblocks, group"
                + " descriptors, bitmaps against the records, and every record's checksum.",
            "Without --repair nothing is written but that replay. With --repair: bitmaps and descriptors are"
                + " rewritten from the records (leaked and unmarked blocks, bad checksums, free counts), stale"
                + " record headers are cleared, and a record whose data fails its checksum is removed (its"
                + " value is lost, and said so).",
            "The store must not be open anywhere (exit 8 when it is).",
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:clean (a journal replay alone counts as clean)",
            "1:errors found and all fixed, no data lost",
            "2:usage error (bad option, DIR missing or empty)",
            "4:errors left unfixed, or a repair removed data",
            "8:operational error (not a store, locked by another process, I/O error, incompatible format,"
                + " the JVM lacks the flags)",
        })
final class FsckCommand extends BaseCommand {

    static final int CLEAN = 0;
    static final int FIXED = 1;
    static final int ERRORS_LEFT = 4;
    static final int OPERATIONAL = 8;
    /** Findings printed without --verbose. */
    static final int SHOWN_FINDINGS = 50;

    @Parameters(index = "0", paramLabel = "DIR", description = "the store directory")
    Path dir;

    @Option(names = "--repair", description = "repair what is safe to repair")
    boolean repair;

    @Option(names = "--progress", negatable = true,
            description = "a progress line on stderr (default: on when stderr is a terminal)")
    Boolean progress;

    @Option(names = {"-v", "--verbose"}, description = "print every finding (default: the first "
            + SHOWN_FINDINGS + " and a count)")
    boolean verbose;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir) || firstEntry(dir) == null) {
            throw CliException.usage("no store at " + dir + ": "
                    + (!Files.exists(dir) ? "the directory does not exist" : Files.isDirectory(dir)
                    ? "the directory is empty" : "not a directory"));
        }
        boolean showProgress = progress != null ? progress : System.console() != null;
        ProgressBar bar = showProgress ? new ProgressBar(err(), System::nanoTime) : null;
        FsckReport report;
        try {
            JvmFlags.check();
            report = Fsck.run(dir, repair, bar == null ? ProgressListener.NONE : bar);
        } catch (RuntimeException | Error e) {
            if (bar != null) {
                bar.finish();
            }
            err().println("daxkv: fsck " + dir + ": " + ExitCodes.message(e));
            return OPERATIONAL;
        }
        if (bar != null) {
            bar.finish();
        }
        print(report);
        return report.result().exitCode;
    }

    private void print(FsckReport r) {
        PrintStream out = out();
        if (r.replayNote() != null) {
            out.println(r.replayNote());
        }
        List<Finding> findings = r.findings();
        int shown = verbose ? findings.size() : Math.min(SHOWN_FINDINGS, findings.size());
        for (int i = 0; i < shown; i++) {
            out.println(findings.get(i));
        }
        if (shown < findings.size()) {
            out.println("... and " + (findings.size() - shown) + " more findings (--verbose shows them all)");
        }
        String counts = r.keys() + " keys, " + r.regions() + " region" + (r.regions() == 1 ? "" : "s") + ", "
                + r.blocksUsed() + "/" + r.blocksTotal() + " blocks used";
        switch (r.result()) {
            case CLEAN -> out.println("daxkv fsck " + dir + ": clean, " + counts);
            case FIXED -> out.println("daxkv fsck " + dir + ": " + r.fixedCount() + " errors fixed, " + counts);
            case ERRORS_LEFT -> out.println("daxkv fsck " + dir + ": " + r.leftCount() + " errors left"
                    + (r.fixedCount() > 0 ? ", " + r.fixedCount() + " fixed" : "")
                    + (repair ? "" : " (run with --repair to fix what is safe)") + ", " + counts);
        }
        out.flush();
    }
}
