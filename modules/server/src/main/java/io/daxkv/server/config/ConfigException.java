package io.daxkv.server.config;

/**
 * The one exception for a configuration that cannot be used: a file that cannot be read or is not
 * YAML, an unknown key, a value of the wrong kind or out of range, settings that contradict each
 * other. Unchecked: a bad configuration is not something the caller can recover from beyond
 * printing the message and exiting.
 *
 * <p>The message is {@code SOURCE[:LINE]: KEY: PROBLEM}, for example
 * {@code config/daxkv.yaml:14: limits.max-value: '99Q' is not a size (...)}. {@code SOURCE} is the
 * file (as given to {@link ServerConfig#load}) or the source name given to
 * {@link ServerConfig#parse} or {@link ServerConfig#withOverrides(java.util.Map, String)}; the
 * line is there when the problem is in YAML text: the line the key is written on, or where the
 * parser stopped (a key the file does not write, say a default that no longer fits a setting the
 * file changed, has none). {@code KEY} is the full dotted key, absent for a
 * problem with the whole file. A settings record constructed directly in code has no source, so
 * its message starts with the key.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String key;
    private final String problem;

    ConfigException(String source, int line, String key, String problem, Throwable cause) {
        super(message(source, line, key, problem), cause);
        this.source = source;
        this.line = line;
        this.key = key;
        this.problem = problem;
    }

    /** A problem with one setting, before the caller knows where the setting came from. */
    static ConfigException invalid(String key, String problem) {
        return new ConfigException(null, 0, key, problem, null);
    }

    /** The same problem, attributed to {@code source} (keeps an existing source and line). */
    ConfigException from(String source) {
        if (this.source != null) {
            return this;
        }
        return new ConfigException(source, line, key, problem, getCause());
    }

    /** The same problem at {@code line} of its source. */
    ConfigException atLine(int line) {
        return new ConfigException(source, line, key, problem, getCause());
    }

    private static String message(String source, int line, String key, String problem) {
        StringBuilder b = new StringBuilder();
        if (source != null) {
            b.append(source);
            if (line > 0) {
                b.append(':').append(line);
            }
            b.append(": ");
        }
        if (key != null) {
            b.append(key).append(": ");
        }
        return b.append(problem).toString();
    }

    /** The file or source name the problem is in; null for a settings record built in code. */
    public String source() {
        return source;
    }

    /** The 1-based line the YAML parser pointed at, or 0 when not known. */
    public int line() {
        return line;
    }

    /** The full dotted key, e.g. {@code limits.max-value}; null for a problem with the whole file. */
    public String key() {
        return key;
    }

    /** The message without source, line and key. */
    public String problem() {
        return problem;
    }
}
