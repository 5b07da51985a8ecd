package io.daxkv;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The JVM flags Chronicle Bytes needs, and the check that the running JVM has them.
 *
 * <p>The list is declared once, in the parent {@code pom.xml} ({@code daxkv.jvm.opens},
 * {@code daxkv.jvm.exports}), and reaches this class through the filtered resource
 * {@code io/daxkv/jvm-flags.properties}. The same list becomes surefire's argLine and the
 * runnable jar's {@code Add-Opens}/{@code Add-Exports} manifest attributes.
 */
public final class JvmFlags {

    private static final Properties FLAGS = load();

    private JvmFlags() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = JvmFlags.class.getResourceAsStream("jvm-flags.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/daxkv/jvm-flags.properties missing from the daxkv-core jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read io/daxkv/jvm-flags.properties", e);
        }
        return p;
    }

    /** "module/package" pairs to open to the unnamed module. */
    public static List<String> opens() {
        return split(FLAGS.getProperty("opens", ""));
    }

    /** "module/package" pairs to export to the unnamed module. */
    public static List<String> exports() {
        return split(FLAGS.getProperty("exports", ""));
    }

    /** Every flag in command-line form, one string per flag. */
    public static List<String> commandLine() {
        List<String> out = new ArrayList<>();
        for (String s : opens()) {
            out.add("--add-opens=" + s + "=ALL-UNNAMED");
        }
        for (String s : exports()) {
            out.add("--add-exports=" + s + "=ALL-UNNAMED");
        }
        out.addAll(split(FLAGS.getProperty("props", "")));
        return out;
    }

    /** The flags this JVM lacks, in command-line form; empty when all are present. */
    public static List<String> missing() {
        Module self = JvmFlags.class.getModule();
        List<String> out = new ArrayList<>();
        for (String s : opens()) {
            String[] mp = s.split("/", 2);
            Optional<Module> m = ModuleLayer.boot().findModule(mp[0]);
            if (m.isPresent() && !m.get().isOpen(mp[1], self)) {
                out.add("--add-opens=" + s + "=ALL-UNNAMED");
            }
        }
        for (String s : exports()) {
            String[] mp = s.split("/", 2);
            Optional<Module> m = ModuleLayer.boot().findModule(mp[0]);
            if (m.isPresent() && !m.get().isExported(mp[1], self)) {
                out.add("--add-exports=" + s + "=ALL-UNNAMED");
            }
        }
        return out;
    }

    /**
     * Fails at once, listing every flag, when the JVM lacks any of them; also switches off
     * Chronicle's analytics before any Chronicle class loads (a store never phones home).
     *
     * @throws DaxKVException.MissingJvmFlags naming the missing flags and the full list
     */
    public static void check() {
        if (System.getProperty("chronicle.analytics.disable") == null) {
            System.setProperty("chronicle.analytics.disable", "true");
        }
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            throw new DaxKVException.MissingJvmFlags("daxkv needs these JVM flags (Chronicle Bytes maps the "
                    + "store through JDK internals); missing: " + String.join(" ", missing)
                    + ". Start the JVM with: " + String.join(" ", commandLine())
                    + " (bin/daxkv and the runnable jar's manifest carry them)");
        }
    }

    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.trim().split("\\s+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }
}
