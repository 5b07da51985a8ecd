package io.daxkv.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bind addresses: IP literals only, plus {@code localhost} meaning 127.0.0.1. Host names are
 * refused so that reading a configuration never waits on DNS and what "loopback" means is decided
 * by the text, not by a resolver.
 */
final class Addresses {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /**
     * The shape of an IPv6 literal (a ':' before any zone, an embedded IPv4 tail allowed), checked
     * before the JDK sees it: text starting with a hex digit or ':' and holding a ':' is parsed as a
     * literal by InetAddress and never looked up.
     */
    private static final Pattern IPV6 = Pattern.compile("(?=[^%]*:)[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[0-9A-Za-z_.-]+)?");

    static final String ALLOWED = "an IP address such as 127.0.0.1, 0.0.0.0 (all interfaces), ::1 or ::,"
            + " or localhost; not a host name";

    private Addresses() {
    }

    /** Parses {@code text} as a bind address; the error names {@code key}. */
    static InetAddress parse(String key, String text) {
        String s = text.trim();
        if (s.equalsIgnoreCase("localhost")) {
            return loopback4();
        }
        Matcher v4 = IPV4.matcher(s);
        if (v4.matches()) {
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    throw bad(key, text);
                }
                b[i] = (byte) octet;
            }
            return byAddress(b);
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (IPV6.matcher(s).matches()) {
            try {
                // a literal containing ':' never reaches a resolver (InetAddress.getAllByName)
                return InetAddress.getByName(s);
            } catch (UnknownHostException e) {
                throw bad(key, text);
            }
        }
        throw bad(key, text);
    }

    /** The text the address is shown as in messages and defaults ("127.0.0.1", "::1"). */
    static String format(InetAddress address) {
        return address.getHostAddress();
    }

    static InetAddress loopback4() {
        return byAddress(new byte[] {127, 0, 0, 1});
    }

    private static InetAddress byAddress(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are an IPv4 address", e);
        }
    }

    private static ConfigException bad(String key, String text) {
        return ConfigException.invalid(key, "'" + text + "' is not " + ALLOWED);
    }
}
