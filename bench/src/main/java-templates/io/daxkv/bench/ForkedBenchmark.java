package io.daxkv.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Common JMH settings of every daxkv benchmark; benchmark classes extend it (JMH reads these
 * annotations from the superclass).
 *
 * <p>GENERATED at build time from {@code bench/src/main/java-templates}: the JVM flags below are
 * the parent pom's {@code daxkv.jvm.opens}, {@code daxkv.jvm.exports} and {@code daxkv.jvm.props}
 * (what daxkv needs) plus this module's {@code bench.jvm.*} (what Chronicle Map needs on
 * Java 17), so the one list in the parent pom stays the only list. The forked JVM gets:
 * <ul>
 *   <li>{@code jvmArgs}: the heap ({@code bench.jvm.heap}); {@code -jvmArgs} on the command line
 *       replaces only this slot;</li>
 *   <li>{@code jvmArgsAppend}: the flags; {@code -jvmArgsAppend} on the command line would
 *       replace them, so pass extra flags with {@code -jvmArgsPrepend} instead.</li>
 * </ul>
 * The settings below are the defaults; bench/run-jmh.sh passes its own -wi/-i/-w/-r/-f.
 */
@Fork(value = 1,
        jvmArgs = {
            ${bench.fork.heap}
        },
        jvmArgsAppend = {
            ${bench.fork.opens}
            ${bench.fork.exports}
            ${bench.fork.props}
        })
@Warmup(iterations = 2, time = 5, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 5, timeUnit = TimeUnit.SECONDS)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class ForkedBenchmark {

    /** The flags as the build saw them, for messages. */
    static final String[] FORK_JVM_ARGS = {
        ${bench.fork.opens}
        ${bench.fork.exports}
        ${bench.fork.props}
    };
}
