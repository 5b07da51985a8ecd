package io.daxkv.cli;

import io.daxkv.DaxKV;
import io.daxkv.Durability;
import io.daxkv.JvmFlags;
import io.daxkv.Options;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the streams, and opening an existing store. */
abstract class BaseCommand implements Callable<Integer> {

    @ParentCommand
    DaxkvCommand root;

    @Spec
    CommandSpec spec;

    InputStream in() {
        return root.in;
    }

    PrintStream out() {
        return root.out;
    }

    PrintStream err() {
        return root.err;
    }

    /**
     * The options the CLI opens a store with. The background zeroer is off: a one-shot command
     * writes a handful of records, and the fault path zeroes what it needs itself.
     */
    static Options options(boolean sync) {
        return Options.builder()
                .durability(sync ? Durability.SYNC : Durability.ASYNC)
                .zeroer(false)
                .createIfMissing(false)
                .build();
    }

    /**
     * Opens the store in {@code dir}, refusing (exit 2) a missing, non-directory or empty
     * {@code dir}, where {@link DaxKV#open} would create a new store.
     */
    static DaxKV openExisting(Path dir, Options options) {
        JvmFlags.check(); // exit 4 before anything else when the JVM lacks the flags
        if (!Files.exists(dir)) {
            throw CliException.usage("no store at " + dir + ": the directory does not exist"
                    + " (create a store with 'daxkv format " + dir + "')");
        }
        if (!Files.isDirectory(dir)) {
            throw CliException.usage("no store at " + dir + ": not a directory");
        }
        if (firstEntry(dir) == null) {
            throw CliException.usage("no store at " + dir + ": the directory is empty"
                    + " (create a store with 'daxkv format " + dir + "')");
        }
        return DaxKV.open(dir, options);
    }

    /** The name of some entry of directory {@code dir}, or null when it is empty. */
    static String firstEntry(Path dir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            Iterator<Path> it = ds.iterator();
            return it.hasNext() ? it.next().getFileName().toString() : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    static boolean isFile(Path p) {
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    }
}
