package io.daxkv.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.daxkv.JvmFlags;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * {@code daxkv}: the command-line tool. Run it with {@code bin/daxkv} or
 * {@code java -jar modules/cli/target/daxkv.jar}; the jar's manifest carries the JVM flags.
 *
 * <p>Exit codes: {@link ExitCodes}. Errors are one line on stderr, {@code daxkv: <message>},
 * without a stack trace unless the environment variable {@code DAXKV_DEBUG} is set.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * Runs one command in this JVM, reading stdin from {@code in} and writing to {@code out}
     * and {@code err}; returns the exit code instead of exiting.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        applyJvmProperties();
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, UTF_8), true);
        try {
            CommandLine cl = new CommandLine(new DaxkvCommand(in, out, err));
            cl.setOut(outWriter);
            cl.setErr(errWriter);
            cl.setParameterExceptionHandler((ex, a) -> {
                String name = ex.getCommandLine() == null ? "daxkv"
                        : ex.getCommandLine().getCommandSpec().qualifiedName();
                err.println("daxkv: " + ExitCodes.message(ex) + " (see '" + name + " --help')");
                debug(err, ex);
                return ExitCodes.USAGE;
            });
            cl.setExecutionExceptionHandler((ex, c, parseResult) -> fail(err, ex));
            return cl.execute(args);
        } catch (Throwable t) { // an Error, which picocli lets through
            return fail(err, t);
        } finally {
            outWriter.flush();
            errWriter.flush();
            out.flush();
            err.flush();
        }
    }

    private static int fail(PrintStream err, Throwable t) {
        err.println("daxkv: " + ExitCodes.message(t));
        debug(err, t);
        return ExitCodes.of(t);
    }

    private static void debug(PrintStream err, Throwable t) {
        if (System.getenv("DAXKV_DEBUG") != null || Boolean.getBoolean("daxkv.debug")) {
            t.printStackTrace(err);
        }
    }

    /**
     * Sets the system properties of the parent pom's {@code daxkv.jvm.props} (they reach the
     * code through {@link JvmFlags}) that the command line did not set, so {@code java -jar}
     * without {@code -D} flags behaves as bin/daxkv does. Runs before any Chronicle class loads.
     */
    private static void applyJvmProperties() {
        try {
            for (String flag : JvmFlags.commandLine()) {
                if (flag.startsWith("-D")) {
                    int eq = flag.indexOf('=');
                    String key = eq < 0 ? flag.substring(2) : flag.substring(2, eq);
                    String value = eq < 0 ? "" : flag.substring(eq + 1);
                    if (!key.isEmpty() && System.getProperty(key) == null) {
                        System.setProperty(key, value);
                    }
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // the flags resource is missing: JvmFlags.check() reports it when a store is opened
        }
    }
}
