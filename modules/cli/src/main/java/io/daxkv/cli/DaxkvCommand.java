package io.daxkv.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level {@code daxkv} command: holds the streams the subcommands use. */
@Command(name = "daxkv",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "daxkv: a key-value store laid out like ext4 on a DAX device.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            FormatCommand.class,
            StatCommand.class,
            FsckCommand.class,
            ServeCommand.class,
            PutCommand.class,
            GetCommand.class,
            DelCommand.class,
            ScanCommand.class,
            DemoCommand.class,
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.E0, ExitCodes.E1, ExitCodes.E2, ExitCodes.E3, ExitCodes.E4},
        footerHeading = "%nNotes:%n",
        footer = {
            "Data commands (put, get, del, scan) work on --dir, by default ./data, and refuse a"
                + " missing or empty directory: create the store first with 'daxkv format DIR'.",
            "KEY and VALUE arguments are taken as UTF-8 text; put '--' before one that starts with '-'.",
            "scan and messages show bytes that are not printable UTF-8 as \\xNN and a backslash as"
                + " \\\\; get writes the value's bytes exactly as stored.",
            "Errors are one line on stderr, 'daxkv: <message>'; set DAXKV_DEBUG=1 for stack traces.",
            "fsck has exit codes of its own, as e2fsck's: see 'daxkv fsck --help'.",
        })
final class DaxkvCommand implements Callable<Integer> {

    final InputStream in;
    final PrintStream out;
    final PrintStream err;

    @Spec
    CommandSpec spec;

    DaxkvCommand(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing command: one of format, stat, fsck, serve, put, get, del, scan, demo");
    }
}
