package io.daxkv.server.resp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
        "*, '', true", "*, anything, true", "a*, abc, true", "a*, bac, false", "*c, abc, true",
        "a?c, abc, true", "a?c, ac, false", "h[ae]llo, hello, true", "h[ae]llo, hillo, false",
        "h[^e]llo, hallo, true", "h[^e]llo, hello, false", "h[a-c]llo, hbllo, true", "h[a-c]llo, hdllo, false",
        "'a\\*b', a*b, true", "'a\\*b', axb, false", "*a*b*, xxaxxbxx, true", "*a*b*, xxbxxaxx, false",
        "user:*, user:1000, true", "save, save, true", "save, appendonly, false", "*only, appendonly, true",
    })
    void matchesAsRedisDoes(String pattern, String s, boolean expected) {
        assertEquals(expected, Glob.matches(pattern.getBytes(UTF_8), s.getBytes(UTF_8)));
    }
}
