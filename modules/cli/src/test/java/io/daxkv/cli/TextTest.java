package io.daxkv.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKVException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The pure helpers: the size option converter, escaping, exit-code mapping (the size grammar itself is tested with the server's Sizes). */
class TextTest {

    @Test
    void freeExtentClassesPrintAsBlockRanges() {
        assertEquals("none", StatCommand.freeExtents(new long[0]));
        assertEquals("none", StatCommand.freeExtents(new long[] {0, 0}));
        assertEquals("1:3 4-7:2 1024-2047:1", StatCommand.freeExtents(new long[] {3, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1}));
    }

    @Test
    void theSizeConverterWrapsTheSharedGrammar() {
        assertEquals(64L << 20, new SizeConverter().convert("64M"));
        CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
                () -> new SizeConverter().convert("64Q"));
        assertEquals("'64Q' is not a size (bytes, or a number with a K, M, G or T suffix, e.g. 64M)", e.getMessage());
    }

    private static String esc(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Text.escape(b);
    }

    @Test
    void escapeKeepsPrintableUtf8() {
        assertEquals("plain key 123", Text.escape("plain key 123".getBytes(UTF_8)));
        assertEquals("héllo wörld ✓ 日本 😀", Text.escape("héllo wörld ✓ 日本 😀".getBytes(UTF_8)));
        assertEquals("", Text.escape(new byte[0]));
    }

    @Test
    void escapeShowsEverythingElseAsHex() {
        assertEquals("a\\x09b\\x0ac\\x00\\x7f", esc('a', 9, 'b', 10, 'c', 0, 0x7f));
        assertEquals("back\\\\slash", Text.escape("back\\slash".getBytes(UTF_8)));
        assertEquals("\\xff\\xfe", esc(0xff, 0xfe));                  // never valid in UTF-8
        assertEquals("\\xc3", esc(0xc3));                             // truncated sequence
        assertEquals("\\xc3A", esc(0xc3, 'A'));                       // lead byte without continuation
        assertEquals("\\xc0\\x80", esc(0xc0, 0x80));                  // overlong NUL
        assertEquals("\\xe0\\x80\\xaf", esc(0xe0, 0x80, 0xaf));       // overlong '/'
        assertEquals("\\xed\\xa0\\x80", esc(0xed, 0xa0, 0x80));       // a surrogate
        assertEquals("\\xf4\\x90\\x80\\x80", esc(0xf4, 0x90, 0x80, 0x80)); // above U+10FFFF
        assertEquals("\\xc2\\x85", esc(0xc2, 0x85));                  // C1 control NEL
        assertEquals("\\xe2\\x80\\xa8", esc(0xe2, 0x80, 0xa8));       // LINE SEPARATOR
        assertEquals("\\xe2\\x80\\x8b", esc(0xe2, 0x80, 0x8b));       // ZERO WIDTH SPACE (format)
        assertEquals("\\x80é", esc(0x80, 0xc3, 0xa9));               // stray continuation, then é
    }

    @Test
    void argumentsAreUtf8() {
        assertEquals("é", new String(Text.argBytes("é", "KEY"), UTF_8));
        assertEquals(2, Text.argBytes("é", "KEY").length);
    }

    @Test
    void exceptionsMapToTheDocumentedExitCodes() {
        assertEquals(4, ExitCodes.of(new DaxKVException.MissingJvmFlags("flags")));
        assertEquals(3, ExitCodes.of(new DaxKVException.Corrupt("bad crc")));
        assertEquals(3, ExitCodes.of(new DaxKVException.ChecksumMismatch("bad crc")));
        assertEquals(3, ExitCodes.of(new DaxKVException.Locked("held")));
        assertEquals(3, ExitCodes.of(new DaxKVException.StorageIO("disk", new IOException("full"))));
        assertEquals(3, ExitCodes.of(new DaxKVException.Incompatible("v9")));
        assertEquals(3, ExitCodes.of(new DaxKVException.ReadOnly("flush failed", null)));
        assertEquals(3, ExitCodes.of(new UncheckedIOException(new IOException("io"))));
        assertEquals(2, ExitCodes.of(new DaxKVException.InvalidArgument("bad")));
        assertEquals(2, ExitCodes.of(new DaxKVException.LimitExceeded("big")));
        assertEquals(2, ExitCodes.of(new DaxKVException.NotAStore(java.nio.file.Path.of("x"), "stray")));
        assertEquals(2, ExitCodes.of(new IllegalArgumentException("bad")));
        assertEquals(2, ExitCodes.of(CliException.usage("bad")));
        assertEquals(3, ExitCodes.of(new NullPointerException()));
        assertEquals(3, ExitCodes.of(new OutOfMemoryError("heap")));
    }

    @Test
    void messagesAreOneLineAndIncludeTheCause() {
        String m = ExitCodes.message(new DaxKVException.StorageIO("cannot grow\nthe store",
                new IOException("No space left on device")));
        assertEquals("cannot grow the store: No space left on device", m);
        String npe = ExitCodes.message(new NullPointerException());
        assertTrue(npe.startsWith("internal error: NullPointerException"), npe);
        assertEquals("bad", ExitCodes.message(CliException.usage("bad")));
    }
}
