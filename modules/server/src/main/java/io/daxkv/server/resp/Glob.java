package io.daxkv.server.resp;

/**
 * Redis's glob patterns (SCAN MATCH, CONFIG GET): {@code *} any run of bytes, {@code ?} one byte,
 * {@code [abc]}, {@code [^a]}, {@code [a-z]} a class, {@code \} escapes the next byte.
 * Matching is iterative with one backtrack point, so it is linear for the usual patterns.
 */
final class Glob {

    private Glob() {
    }

    static boolean matches(byte[] pattern, byte[] s) {
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = -1;
        while (i < s.length) {
            if (p < pattern.length && pattern[p] == '*') {
                starP = ++p;
                starI = i;
                continue;
            }
            int next = p < pattern.length ? matchOne(pattern, p, s[i]) : -1;
            if (next >= 0) {
                p = next;
                i++;
            } else if (starP >= 0) {
                p = starP;
                i = ++starI;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == '*') {
            p++;
        }
        return p == pattern.length;
    }

    /** The pattern index after matching byte {@code c} at {@code p}, or -1 when it does not match. */
    private static int matchOne(byte[] pattern, int p, byte c) {
        byte t = pattern[p];
        if (t == '?') {
            return p + 1;
        }
        if (t == '\\' && p + 1 < pattern.length) {
            return pattern[p + 1] == c ? p + 2 : -1;
        }
        if (t == '[') {
            int q = p + 1;
            boolean not = q < pattern.length && pattern[q] == '^';
            if (not) {
                q++;
            }
            boolean hit = false;
            while (q < pattern.length && pattern[q] != ']') {
                if (pattern[q] == '\\' && q + 1 < pattern.length) {
                    hit |= pattern[q + 1] == c;
                    q += 2;
                } else if (q + 2 < pattern.length && pattern[q + 1] == '-' && pattern[q + 2] != ']') {
                    int lo = Math.min(pattern[q] & 0xFF, pattern[q + 2] & 0xFF);
                    int hi = Math.max(pattern[q] & 0xFF, pattern[q + 2] & 0xFF);
                    hit |= (c & 0xFF) >= lo && (c & 0xFF) <= hi;
                    q += 3;
                } else {
                    hit |= pattern[q] == c;
                    q++;
                }
            }
            return hit != not ? Math.min(q + 1, pattern.length) : -1;
        }
        return t == c ? p + 1 : -1;
    }
}
