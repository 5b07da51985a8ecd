package io.daxkv.cli;

import static io.daxkv.cli.CliTestSupport.expect;
import static io.daxkv.cli.CliTestSupport.format;
import static io.daxkv.cli.CliTestSupport.oneLineError;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKV;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command, in this JVM, against a real store in a temporary directory. */
class CliCommandsTest {

    @TempDir
    Path tmp;

    private Path store() {
        Path dir = tmp.resolve("store");
        format(dir);
        return dir;
    }

    private static Map<String, String> stat(Path dir) {
        CliTestSupport.Result r = expect(0, "stat", dir.toString());
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : r.outLines()) {
            int colon = line.indexOf(": ");
            assertTrue(colon > 0, () -> "not 'name: value': " + line);
            fields.put(line.substring(0, colon), line.substring(colon + 2));
        }
        return fields;
    }

    @Test
    void formatThenStatShowsTheGeometry() {
        Path dir = tmp.resolve("a/b/store"); // parents are created too
        CliTestSupport.Result f = expect(0, "format", dir.toString(), "--region-size", "8M", "--block-size", "256");
        assertTrue(f.outText().startsWith("formatted "), f::toString);
        assertTrue(Files.isDirectory(dir));

        Map<String, String> s = stat(dir);
        assertEquals(List.of("storeUuid", "formatVersion", "regionSizeBytes", "keys", "liveBytes", "regions",
                "blockSizeBytes", "blocksTotal", "blocksUsed", "blocksFree", "preZeroedBlocks", "faults", "conversions",
                "bytesZeroedOnFault", "preZeroedHits", "blocksZeroedByZeroer", "mappingMode", "recoveryMillis",
                "recordsDroppedAtOpen", "regionsOpenedDirty", "journalCapacityBytes", "journalUsedBytes",
                "replayedTransactions", "replayedEntries", "recordsRestoredAtOpen", "replayMillis",
                "openedFromIndexCheckpoint", "journalCommits", "journalCheckpoints", "freeExtents"), List.copyOf(s.keySet()));
        assertEquals("true", s.get("openedFromIndexCheckpoint"), "format's close wrote an index checkpoint");
        assertTrue(s.get("freeExtents").matches("(\\d+(-\\d+)?:\\d+ ?)+"), "free extents by size class: " + s.get("freeExtents"));
        assertEquals("0", s.get("replayedTransactions"), "a clean close leaves an empty journal");
        assertEquals(String.valueOf(256 << 20), s.get("journalCapacityBytes"));
        assertEquals(String.valueOf(8 << 20), s.get("regionSizeBytes"));
        assertEquals("0", s.get("regionsOpenedDirty"), "format closed the store clean");
        assertEquals("0", s.get("keys"));
        assertEquals("0", s.get("liveBytes"));
        assertEquals("256", s.get("blockSizeBytes"));
        assertTrue(Integer.parseInt(s.get("regions")) >= 1, s::toString);
        long total = Long.parseLong(s.get("blocksTotal"));
        assertTrue(total > 0, s::toString);
        assertEquals(total, Long.parseLong(s.get("blocksUsed")) + Long.parseLong(s.get("blocksFree")), s::toString);
    }

    @Test
    void formatTakesAJournalSizeAndRefusesABadOneByName() {
        Path dir = tmp.resolve("journal-store");
        expect(0, "format", dir.toString(), "--region-size", "8M", "--journal-size", "2M");
        assertEquals(String.valueOf(2 << 20), stat(dir).get("journalCapacityBytes"));
        CliTestSupport.Result bad = expect(2, "format", tmp.resolve("other").toString(), "--journal-size", "1000");
        assertTrue(bad.err().contains("--journal-size") && bad.err().contains("1000"), bad::toString);
    }

    @Test
    void putGetDelRoundTripAcrossRuns() {
        Path dir = store();
        String d = dir.toString();
        CliTestSupport.Result put = expect(0, "put", "--dir", d, "greeting", "hello wörld");
        assertEquals(0, put.out().length, put::toString);

        assertEquals("hello wörld\n", expect(0, "get", "--dir", d, "greeting").outText());
        assertEquals("hello wörld", expect(0, "get", "-n", "--dir", d, "greeting").outText());

        expect(0, "put", "--sync", "--dir", d, "greeting", "again");
        assertEquals("again\n", expect(0, "get", "--dir", d, "greeting").outText());
        Map<String, String> s = stat(dir);
        assertEquals("1", s.get("keys"));
        assertEquals(String.valueOf("greeting".length() + "again".length()), s.get("liveBytes"));

        expect(0, "del", "--dir", d, "greeting");
        CliTestSupport.Result absent = expect(1, "get", "--dir", d, "greeting");
        assertEquals(0, absent.out().length, absent::toString);
        assertTrue(oneLineError(absent).contains("not found"), absent::toString);
        oneLineError(expect(1, "del", "--dir", d, "greeting"));
        assertEquals("0", stat(dir).get("keys"));
    }

    @Test
    void getOfAKeyNeverWrittenExitsOne() {
        Path dir = store();
        expect(0, "put", "--dir", dir.toString(), "present", "x");
        CliTestSupport.Result r = expect(1, "get", "--dir", dir.toString(), "absent");
        assertEquals("", r.outText());
        assertEquals("daxkv: not found: absent", oneLineError(r));
    }

    @Test
    void dataCommandsUseDotDataWhenNoDirIsGiven() {
        // --dir defaults to ./data relative to the working directory, which a test cannot change;
        // check the default through the parsed option instead.
        picocli.CommandLine cl = new picocli.CommandLine(new DaxkvCommand(System.in, System.out, System.err));
        picocli.CommandLine.ParseResult pr = cl.parseArgs("get", "k");
        GetCommand get = (GetCommand) pr.subcommand().commandSpec().userObject();
        assertEquals(Path.of("./data"), get.storeDir());
    }

    @Test
    void valueFromStdinIsStoredByteForByte() {
        Path dir = store();
        String d = dir.toString();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 256; i++) {
            all.write(i);
        }
        all.writeBytes("\nsecond line\n".getBytes(UTF_8));
        byte[] value = all.toByteArray();

        expect(0, value, "put", "--dir", d, "bin", "-");
        assertArrayEquals(value, expect(0, "get", "-n", "--dir", d, "bin").out());

        byte[] withNewline = expect(0, "get", "--dir", d, "bin").out();
        assertEquals(value.length + 1, withNewline.length);
        assertEquals('\n', withNewline[value.length]);

        // an empty stdin stores an empty value, which is not the same as absent
        expect(0, new byte[0], "put", "--dir", d, "empty", "-");
        assertEquals(0, expect(0, "get", "-n", "--dir", d, "empty").out().length);
        assertEquals("\n", expect(0, "get", "--dir", d, "empty").outText());
    }

    @Test
    void aKeyOrValueStartingWithADashFollowsDoubleDash() {
        Path dir = store();
        String d = dir.toString();
        expect(0, "put", "--dir", d, "--", "-k", "-v");
        assertEquals("-v\n", expect(0, "get", "--dir", d, "--", "-k").outText());
        // without "--" a leading dash reads as an option: a usage error, never a silent lookup
        oneLineError(expect(2, "get", "--dir", d, "-k"));
    }

    @Test
    void scanIsOrderedByUnsignedBytesAndHonoursFromToAndLimit() {
        Path dir = store();
        String d = dir.toString();
        // "é" is C3 A9 in UTF-8: after "z" (7A) in unsigned byte order
        for (String k : new String[] {"c", "é", "aa", "z", "b", "a"}) {
            expect(0, "put", "--dir", d, k, "v-" + k);
        }
        assertEquals(List.of("a\tv-a", "aa\tv-aa", "b\tv-b", "c\tv-c", "z\tv-z", "é\tv-é"),
                expect(0, "scan", "--dir", d).outLines());
        assertEquals(List.of("b\tv-b", "c\tv-c"),
                expect(0, "scan", "--dir", d, "--from", "b", "--limit", "2").outLines());
        assertEquals(List.of("b\tv-b", "c\tv-c", "z\tv-z"),
                expect(0, "scan", "--dir", d, "--from", "ab", "--to", "é").outLines());
        assertEquals(List.of("é\tv-é"), expect(0, "scan", "--dir", d, "--from", "zz").outLines());
        assertEquals(List.of("a\tv-a", "aa\tv-aa", "b\tv-b"), expect(0, "scan", "--dir", d, "--to", "c").outLines());
        assertEquals("", expect(0, "scan", "--dir", d, "--limit", "0").outText());
        assertEquals(6, expect(0, "scan", "--dir", d, "--limit", "100").outLines().size());
    }

    @Test
    void scanEscapesWhatIsNotPrintable() {
        Path dir = store();
        String d = dir.toString();
        expect(0, "put", "--dir", d, "tab\tkey", "back\\slash\u0001");
        expect(0, new byte[] {'o', 'k', (byte) 0xff, '\n', 0}, "put", "--dir", d, "u", "-");
        assertEquals(List.of("tab\\x09key\tback\\\\slash\\x01", "u\tok\\xff\\x0a\\x00"),
                expect(0, "scan", "--dir", d).outLines());
    }

    @Test
    void formatRefusesADirectoryThatHoldsAStore() throws IOException {
        Path dir = store();
        expect(0, "put", "--dir", dir.toString(), "k", "kept");
        List<String> before = list(dir);

        CliTestSupport.Result r = expect(2, "format", dir.toString(), "--region-size", "4M");
        assertTrue(oneLineError(r).contains("already holds a daxkv store"), r::toString);
        assertEquals(before, list(dir));
        assertEquals("kept\n", expect(0, "get", "--dir", dir.toString(), "k").outText());
    }

    @Test
    void formatRefusesADirectoryHoldingAStrayFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(dir.resolve("notes.txt"), "mine");

        CliTestSupport.Result r = expect(2, "format", dir.toString());
        String err = oneLineError(r);
        assertTrue(err.contains("not empty") && err.contains("notes.txt"), r::toString);
        assertEquals(List.of("notes.txt"), list(dir));
        assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
    }

    @Test
    void formatRefusesAPathThatIsAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        CliTestSupport.Result r = expect(2, "format", file.toString());
        assertTrue(oneLineError(r).contains("not a directory"), r::toString);
        assertEquals("x", Files.readString(file));
    }

    @Test
    void statRefusesAMissingOrEmptyDirectoryAndCreatesNothing() throws IOException {
        Path missing = tmp.resolve("nope");
        CliTestSupport.Result r = expect(2, "stat", missing.toString());
        assertTrue(oneLineError(r).contains("does not exist"), r::toString);
        assertFalse(Files.exists(missing));

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliTestSupport.Result e = expect(2, "stat", empty.toString());
        assertTrue(oneLineError(e).contains("empty"), e::toString);
        assertEquals(List.of(), list(empty));
    }

    @Test
    void dataCommandsRefuseAMissingStoreAndCreateNothing() {
        Path missing = tmp.resolve("nope");
        for (String[] args : new String[][] {
            {"put", "--dir", missing.toString(), "k", "v"},
            {"get", "--dir", missing.toString(), "k"},
            {"del", "--dir", missing.toString(), "k"},
            {"scan", "--dir", missing.toString()},
        }) {
            CliTestSupport.Result r = expect(2, args);
            assertTrue(oneLineError(r).contains("daxkv format"), r::toString);
            assertFalse(Files.exists(missing), () -> String.join(" ", args) + " created " + missing);
        }
    }

    @Test
    void dataCommandsRefuseADirectoryThatIsNotAStore() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(dir.resolve("notes.txt"), "mine");
        CliTestSupport.Result r = expect(2, "get", "--dir", dir.toString(), "k");
        oneLineError(r);
        assertEquals(List.of("notes.txt"), list(dir));
    }

    @Test
    void aStoreOpenElsewhereIsAStoreErrorWithExitThree() {
        Path dir = store();
        try (DaxKV kv = DaxKV.open(dir)) {
            kv.put("k".getBytes(UTF_8), "v".getBytes(UTF_8));
            CliTestSupport.Result r = expect(3, "get", "--dir", dir.toString(), "k");
            oneLineError(r);
            assertEquals(0, r.out().length);
        }
        assertEquals("v\n", expect(0, "get", "--dir", dir.toString(), "k").outText());
    }

    @Test
    void badOptionValuesExitTwoNamingTheOption() {
        Path dir = tmp.resolve("s");
        String[][] cases = {
            {"--block-size", "format", dir.toString(), "--block-size", "100"},
            {"--block-size", "format", dir.toString(), "--block-size", "32"},
            {"--block-size", "format", dir.toString(), "--block-size", "128K"},
            {"--block-size", "format", dir.toString(), "--block-size", "lots"},
            {"--region-size", "format", dir.toString(), "--region-size", "3M"},
            {"--region-size", "format", dir.toString(), "--region-size", "2G"},
            {"--region-size", "format", dir.toString(), "--region-size", "5000000"},
            {"--region-size", "format", dir.toString(), "--region-size", "12x"},
            {"--limit", "scan", "--dir", dir.toString(), "--limit", "-1"},
            {"--limit", "scan", "--dir", dir.toString(), "--limit", "many"},
            {"--nope", "get", "--nope", "k"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            CliTestSupport.Result r = expect(2, args);
            String err = oneLineError(r);
            assertTrue(err.contains(c[0]), () -> "error does not name " + c[0] + ": " + r);
            assertFalse(Files.exists(dir), () -> String.join(" ", args) + " created " + dir);
        }
    }

    @Test
    void sizeSuffixesAreAccepted() {
        Path dir = tmp.resolve("s");
        expect(0, "format", dir.toString(), "--region-size", "4MiB", "--block-size", "1K");
        assertEquals("1024", stat(dir).get("blockSizeBytes"));
    }

    @Test
    void keysOutsideTheLimitsAreUsageErrors() {
        Path dir = store();
        String d = dir.toString();
        CliTestSupport.Result empty = expect(2, "put", "--dir", d, "", "v");
        assertTrue(oneLineError(empty).contains("KEY"), empty::toString);
        String longKey = "k".repeat(DaxKV.MAX_KEY_BYTES + 1);
        CliTestSupport.Result tooLong = expect(2, "get", "--dir", d, longKey);
        assertTrue(oneLineError(tooLong).contains(String.valueOf(DaxKV.MAX_KEY_BYTES)), tooLong::toString);
        expect(0, "put", "--dir", d, "k".repeat(DaxKV.MAX_KEY_BYTES), "at the limit");
    }

    @Test
    void helpVersionAndMissingCommand() {
        CliTestSupport.Result help = expect(0, "--help");
        for (String s : new String[] {"format", "stat", "put", "get", "del", "scan", "Exit codes:", "0   ok",
            "1   key absent", "2   usage", "3   store error", "4   the JVM"}) {
            assertTrue(help.outText().contains(s), () -> "help lacks '" + s + "': " + help);
        }
        for (String cmd : new String[] {"format", "stat", "put", "get", "del", "scan"}) {
            CliTestSupport.Result h = expect(0, cmd, "--help");
            assertTrue(h.outText().startsWith("Usage: daxkv " + cmd), h::toString);
        }
        assertTrue(expect(0, "--version").outText().startsWith("daxkv "));
        assertTrue(expect(0, "get", "--version").outText().startsWith("daxkv "));
        oneLineError(expect(2));
        oneLineError(expect(2, "frobnicate"));
        oneLineError(expect(2, "put", "--dir", tmp.toString(), "only-a-key"));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
