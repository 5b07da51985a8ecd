package io.daxkv.cli;

import static io.daxkv.cli.CliTestSupport.expect;
import static io.daxkv.cli.CliTestSupport.format;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKV;
import io.daxkv.Options;
import io.daxkv.region.Geometry;
import io.daxkv.region.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code daxkv fsck}: its exit codes (0, 1, 2, 4, 8), its summary, and its progress line. */
class FsckCommandTest {

    @TempDir
    Path tmp;

    /** A formatted 4 MiB-region store (default block size) holding three keys. */
    private Path store() {
        Path dir = tmp.resolve("store");
        format(dir);
        for (String k : new String[] {"alpha", "beta", "gamma"}) {
            expect(0, "put", "--dir", dir.toString(), k, "value-of-" + k + "-0123456789");
        }
        return dir;
    }

    private static Geometry geometry(Path dir) throws IOException {
        Manifest m = Manifest.read(dir);
        return Geometry.of(m.regionSizeBytes, m.blockSizeBytes);
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(~b);
        }
    }

    private static long indexOf(Path file, byte[] pattern) throws IOException {
        byte[] all = Files.readAllBytes(file);
        outer:
        for (int i = 0; i <= all.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (all[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found in " + file);
    }

    @Test
    void aCleanStoreExitsZeroWithTheSummary() {
        Path dir = store();
        CliTestSupport.Result r = expect(0, "fsck", dir.toString());
        assertEquals(1, r.outLines().size(), r::toString);
        assertTrue(r.outLines().get(0).matches("daxkv fsck .*: clean, 3 keys, 1 region, \\d+/\\d+ blocks used"), r::toString);
        assertEquals("", r.err(), "no progress line unless asked (stderr is not a terminal here)");
    }

    @Test
    void aBadBitmapIsFoundThenFixedWithExitOneThenClean() throws IOException {
        Path dir = store();
        Geometry g = geometry(dir);
        flipByte(dir.resolve(Manifest.regionFileName(0)), g.bitmapOffset(0) + 7);
        CliTestSupport.Result found = expect(4, "fsck", dir.toString());
        assertTrue(found.outText().contains("region-000000.dax group 0: bitmap checksum:"), found::toString);
        assertTrue(found.outText().contains("1 errors left (run with --repair to fix what is safe)"), found::toString);
        CliTestSupport.Result fixed = expect(1, "fsck", dir.toString(), "--repair");
        assertTrue(fixed.outText().contains("[fixed]") && fixed.outText().contains(": 1 errors fixed, 3 keys"), fixed::toString);
        expect(0, "fsck", dir.toString());
        assertEquals("value-of-beta-0123456789", expect(0, "get", "--dir", dir.toString(), "beta").outText().strip());
    }

    @Test
    void aDamagedValueLeavesErrorsAndNamesTheKey() throws IOException {
        Path dir = store();
        Path r0 = dir.resolve(Manifest.regionFileName(0));
        flipByte(r0, indexOf(r0, "value-of-gamma".getBytes(UTF_8)) + 2);
        CliTestSupport.Result found = expect(4, "fsck", dir.toString());
        assertTrue(found.outText().contains("data checksum: key \"gamma\""), found::toString);
        CliTestSupport.Result repaired = expect(4, "fsck", dir.toString(), "--repair");
        assertTrue(repaired.outText().contains("[removed: data lost]"), repaired::toString);
        expect(0, "fsck", dir.toString());
        expect(1, "get", "--dir", dir.toString(), "gamma");
    }

    @Test
    void aStoreOpenElsewhereIsAnOperationalError() {
        Path dir = store();
        try (DaxKV kv = DaxKV.open(dir, Options.builder().createIfMissing(false).build())) {
            CliTestSupport.Result r = expect(8, "fsck", dir.toString(), "--repair");
            assertTrue(CliTestSupport.oneLineError(r).contains("already open"), r::toString);
            assertEquals(3, kv.stats().keys());
        }
    }

    @Test
    void notAStoreIsEightAndABadCommandLineIsTwo() throws IOException {
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "x");
        CliTestSupport.Result r = expect(8, "fsck", foreign.toString());
        assertTrue(CliTestSupport.oneLineError(r).contains("not a daxkv store"), r::toString);
        expect(2, "fsck", tmp.resolve("missing").toString());
        expect(2, "fsck");
        expect(2, "fsck", store().toString(), "--no-such-option");
    }

    @Test
    void theProgressLineAppearsOnlyWhenAskedAndEndsWithANewline() {
        Path dir = store();
        CliTestSupport.Result with = expect(0, "fsck", dir.toString(), "--progress");
        assertTrue(with.err().startsWith("\rblocks scanned "), with::toString);
        assertTrue(with.err().endsWith("(100%)" + System.lineSeparator()), with::toString);
        assertEquals(with.err().length() - System.lineSeparator().length(), with.err().indexOf(System.lineSeparator()),
                "one line, redrawn in place: " + with);
        CliTestSupport.Result without = expect(0, "fsck", dir.toString(), "--no-progress");
        assertEquals("", without.err());
    }

    @Test
    void theProgressBarDrawsAtMostTenTimesASecondAndAlwaysTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, UTF_8), now::get);
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(1_000_000); // 1 ms per call: one second in all
            bar.progress(i, 1000);
        }
        bar.progress(1000, 1000);
        bar.finish();
        String s = bytes.toString(UTF_8);
        long draws = s.chars().filter(c -> c == '\r').count();
        assertTrue(draws >= 10 && draws <= 12, draws + " redraws in one second: " + s);
        assertTrue(s.endsWith("\rblocks scanned 1000 / 1000 (100%)" + System.lineSeparator()), s);
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        new ProgressBar(new PrintStream(none, true, UTF_8), now::get).finish();
        assertFalse(none.size() > 0, "nothing drawn, nothing printed");
    }
}
