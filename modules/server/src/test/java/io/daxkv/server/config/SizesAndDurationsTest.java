package io.daxkv.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The value grammars: sizes (64M) and durations (30s), shared by the file, overrides and the CLI. */
class SizesAndDurationsTest {

    @Test
    void sizesTakeBinarySuffixes() {
        assertEquals(65536L, Sizes.parse("65536"));
        assertEquals(64L << 10, Sizes.parse("64K"));
        assertEquals(64L << 10, Sizes.parse("64k"));
        assertEquals(64L << 20, Sizes.parse("64M"));
        assertEquals(64L << 20, Sizes.parse("64MiB"));
        assertEquals(64L << 20, Sizes.parse("64MB"));
        assertEquals(64L << 20, Sizes.parse(" 64 M "));
        assertEquals(1L << 30, Sizes.parse("1G"));
        assertEquals(2L << 40, Sizes.parse("2T"));
        assertEquals(100L, Sizes.parse("100B"));
        assertEquals(0L, Sizes.parse("0"));
    }

    @Test
    void badSizesQuoteTheTextAndSayWhatIsAccepted() {
        for (String bad : new String[] {"", "M", "1.5M", "-1", "64 X", "0x40", "1_000", "99Q", "99999999999999999999",
            "9999999999999T"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("'" + bad + "' is "), e::getMessage);
        }
        assertEquals("'99Q' is not a size (bytes, or a number with a K, M, G or T suffix, e.g. 64M)",
                assertThrows(IllegalArgumentException.class, () -> Sizes.parse("99Q")).getMessage());
        assertEquals("'null' is not a size (bytes, or a number with a K, M, G or T suffix, e.g. 64M)",
                assertThrows(IllegalArgumentException.class, () -> Sizes.parse(null)).getMessage());
    }

    @Test
    void sizesFormatInTheLargestExactUnitAndReadBack() {
        assertEquals("0", Sizes.format(0));
        assertEquals("100", Sizes.format(100));
        assertEquals("64K", Sizes.format(65536));
        assertEquals("17M", Sizes.format(17L << 20));
        assertEquals("1025K", Sizes.format(1025L << 10));
        assertEquals("1G", Sizes.format(1L << 30));
        assertEquals("3T", Sizes.format(3L << 40));
        for (long v : new long[] {0, 1, 100, 4096, 65537, 17L << 20, (1L << 30) + 1024, 5L << 40}) {
            assertEquals(v, Sizes.parse(Sizes.format(v)));
        }
    }

    @Test
    void durationsNeedAUnit() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofSeconds(30), Durations.parse(" 30 s "));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
    }

    @Test
    void badDurationsQuoteTheTextAndSayWhatIsAccepted() {
        for (String bad : new String[] {"", "30", "1000", "s", "1.5s", "5M", "5S", "1d", "10 sec", "PT30S",
            "99999999999999999999h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("'" + bad + "' is "), e::getMessage);
        }
        assertEquals("'30' is not a duration (a whole number with a unit ms, s, m or h, e.g. 500ms, 30s, 5m; or 0)",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("30")).getMessage());
        assertEquals("'-5s' is negative; a duration is 0 or more",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("-5s")).getMessage());
        assertEquals("'9999999h' is too long",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("9999999h")).getMessage());
    }

    @Test
    void durationsFormatInTheLargestExactUnitAndReadBack() {
        assertEquals("0", Durations.format(Duration.ZERO));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("1s", Durations.format(Duration.ofMillis(1000)));
        assertEquals("5m", Durations.format(Duration.ofSeconds(300)));
        assertEquals("2h", Durations.format(Duration.ofMinutes(120)));
        for (String s : new String[] {"0", "1ms", "999ms", "30s", "90s", "5m", "61m", "3h"}) {
            assertEquals(s, Durations.format(Durations.parse(s)));
        }
    }
}
