package io.daxkv.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.daxkv.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads configuration text (YAML) and dotted-key overrides into a {@link ServerConfig}, turning
 * every Jackson exception into a {@link ConfigException} naming the dotted key.
 *
 * <p>Two layers. Jackson binds the YAML into the {@code Raw*} records below, whose components are
 * all nullable: null is "not given", so a partial file overrides only what it names. Every scalar
 * goes through one of this class's deserializers, which take the text as written (so YAML's own
 * readings such as {@code 0x40}, {@code 1_000} or {@code yes} are refused rather than
 * reinterpreted) and report a bad value with the parser's location. The raw layer is then laid over
 * a base configuration ({@link ServerConfig#defaults()} for a file, the current one for overrides)
 * and the settings records' constructors check ranges and cross-field rules.
 *
 * <p>In the raw layer a {@code Long} is always a size, an {@code Integer} a whole number, a
 * {@code Duration} a duration and a {@code String} text (bind addresses and paths are converted
 * when the layer is applied, so their errors carry the key but no line).
 */
final class ConfigReader {

    // ------------------------------------------------------------------------------ raw layer
    // Component names are the YAML keys in camelCase (Jackson's KEBAB_CASE maps them); their order
    // is the order keys are listed in messages.

    record RawConfig(RawStore store, RawServer server, RawLimits limits, RawAdmin admin, RawMetrics metrics,
            RawResp resp) {
    }

    record RawStore(String dir, Long regionSize, Long blockSize, Long journalSize, Durability durability,
            Duration commitInterval, Boolean verifyOnRead, RawZeroer zeroer) {
    }

    record RawZeroer(Boolean enabled, Long poolSize) {
    }

    record RawServer(String bind, Integer port, Integer ioThreads, Transport transport, Allocator allocator,
            String authToken, String authTokenFile, RawTls tls) {
    }

    record RawTls(Boolean enabled, String certChain, String privateKey, TlsProvider provider) {
    }

    record RawLimits(Integer maxConnections, Long maxFrame, Long maxKey, Long maxValue, Integer maxScanEntries,
            Integer maxInFlightPerConnection, Duration idleTimeout, Duration frameDeadline, Duration helloDeadline,
            Long writeBufferLow, Long writeBufferHigh, Duration shutdownGrace) {
    }

    record RawAdmin(Boolean enabled, String bind, Integer port) {
    }

    record RawMetrics(Boolean enabled, Boolean latencyHistograms) {
    }

    record RawResp(Boolean enabled, Integer port) {
    }

    private static final RawConfig EMPTY = new RawConfig(null, null, null, null, null, null);
    private static final PropertyNamingStrategies.NamingBase KEBAB = new PropertyNamingStrategies.KebabCaseStrategy();
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");
    private static final String DUPLICATE_PROBLEM = "is given more than once";
    private static final YAMLMapper MAPPER = mapper();

    private ConfigReader() {
    }

    private static YAMLMapper mapper() {
        SimpleModule scalars = new SimpleModule("daxkv-config-scalars");
        scalars.addDeserializer(String.class, new Scalar<>(String.class, "text", s -> s, true));
        scalars.addDeserializer(Integer.class, new Scalar<>(Integer.class, "a whole number", ConfigReader::wholeNumber, false));
        scalars.addDeserializer(Long.class, new Scalar<>(Long.class, "a size (" + Sizes.GRAMMAR + ")", Sizes::parse, false));
        scalars.addDeserializer(Duration.class,
                new Scalar<>(Duration.class, "a duration (" + Durations.GRAMMAR + ")", Durations::parse, false));
        scalars.addDeserializer(Boolean.class, new Scalar<>(Boolean.class, "true or false", ConfigReader::bool, false));
        addChoice(scalars, Durability.class);
        addChoice(scalars, Transport.class);
        addChoice(scalars, Allocator.class);
        addChoice(scalars, TlsProvider.class);
        YAMLFactory yaml = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        return YAMLMapper.builder(yaml)
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // "store:" with nothing under it (or only comments) is an empty section
                .withCoercionConfig(LogicalType.POJO, c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.AsNull))
                .addModule(scalars)
                .build();
    }

    private static <E extends Enum<E>> void addChoice(SimpleModule module, Class<E> type) {
        List<String> names = choices(type);
        String what = "one of " + String.join(", ", names);
        module.addDeserializer(type, new Scalar<>(type, what, text -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(text.trim())) {
                    return e;
                }
            }
            throw new IllegalArgumentException("'" + text + "' is not " + what);
        }, false));
    }

    /** The YAML spellings of an enum's constants: lower case, sorted. */
    static <E extends Enum<E>> List<String> choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).sorted()
                .collect(Collectors.toList());
    }

    private static Integer wholeNumber(String text) {
        String s = text.trim();
        if (!s.matches("[+-]?\\d+")) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is out of range");
        }
    }

    private static Boolean bool(String text) {
        String s = text.trim();
        if (s.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (s.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("'" + text + "' is not true or false");
    }

    /** A bad value, thrown by the deserializers; Jackson adds the path and keeps the location. */
    static final class BadValue extends JsonMappingException {
        private static final long serialVersionUID = 1L;

        BadValue(JsonParser p, String problem) {
            super(p, problem);
        }
    }

    /**
     * One scalar setting: the text as written, parsed by {@code parse} (which throws
     * IllegalArgumentException saying what is wrong). A list or a section where a scalar belongs,
     * an explicit null or an empty value is refused, except for text, where null and empty are
     * the empty string. Absent stays null ("not given").
     */
    private static final class Scalar<T> extends StdDeserializer<T> {
        private static final long serialVersionUID = 1L;
        private final String what;
        private final transient Function<String, T> parse;
        private final boolean emptyAllowed;

        Scalar(Class<T> type, String what, Function<String, T> parse, boolean emptyAllowed) {
            super(type);
            this.what = what;
            this.parse = parse;
            this.emptyAllowed = emptyAllowed;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.START_ARRAY) {
                throw new BadValue(p, "got a list, expected " + what);
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.FIELD_NAME) {
                throw new BadValue(p, "got a section (keys under it), expected " + what);
            }
            if (t == null || !t.isScalarValue() || t == JsonToken.VALUE_EMBEDDED_OBJECT) {
                throw new BadValue(p, "expected " + what);
            }
            String text = p.getText();
            if (text.isBlank() && !emptyAllowed) {
                throw new BadValue(p, noValue());
            }
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw new BadValue(p, e.getMessage());
            }
        }

        private String noValue() {
            return "has no value; give " + what + ", or leave the key out for the default";
        }

        @Override
        public T getNullValue(DeserializationContext ctxt) throws JsonMappingException {
            if (emptyAllowed) {
                return parse.apply("");
            }
            throw new BadValue(ctxt.getParser(), noValue());
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------ reading

    /** Parses YAML text over {@code base}; every problem is a ConfigException from {@code source}. */
    static ServerConfig parse(String yaml, String source, ServerConfig base) {
        RawConfig raw;
        try (JsonParser p = MAPPER.createParser(yaml)) {
            JsonToken first = p.nextToken();
            raw = first == null ? null : MAPPER.readValue(p, RawConfig.class);
            if (first != null && p.nextToken() != null) {
                throw new ConfigException(source, line(p.currentTokenLocation()), null,
                        "holds more than one YAML document; put every setting in one", null);
            }
        } catch (JsonMappingException e) {
            throw withLine(translate(e, source), yaml);
        } catch (StreamReadException e) {
            throw syntax(e, null, source);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a String", e);
        }
        try {
            return apply(raw == null ? EMPTY : raw, base, source);
        } catch (ConfigException e) {
            throw withLine(e, yaml);
        }
    }

    /** Applies dotted-key overrides ({@code server.port} to {@code 7420}) over {@code base}. */
    static ServerConfig override(Map<String, String> overrides, String source, ServerConfig base) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = e.getKey();
            if (key == null) {
                throw new ConfigException(source, 0, null, "an override has no key", null);
            }
            String[] parts = key.split("\\.", -1);
            Class<?> type = RawConfig.class;
            ObjectNode node = root;
            for (int i = 0; i < parts.length; i++) {
                String dotted = String.join(".", Arrays.asList(parts).subList(0, i + 1));
                Class<?> child = componentType(type, parts[i]);
                if (child == null) {
                    throw unknownKey(source, 0, dotted, keysOf(type));
                }
                boolean last = i == parts.length - 1;
                if (isSection(child)) {
                    if (last) {
                        throw new ConfigException(source, 0, dotted, "is a section, not a setting; give one of its keys: "
                                + keysOf(child).stream().map(k -> dotted + "." + k).collect(Collectors.joining(", ")), null);
                    }
                    node = node.has(parts[i]) ? (ObjectNode) node.get(parts[i]) : node.putObject(parts[i]);
                    type = child;
                } else {
                    if (!last) {
                        throw new ConfigException(source, 0, key, "unknown key; " + dotted + " is a setting, not a section", null);
                    }
                    if (e.getValue() == null) {
                        node.putNull(parts[i]);
                    } else {
                        node.put(parts[i], e.getValue());
                    }
                }
            }
        }
        RawConfig raw;
        try {
            raw = MAPPER.treeToValue(root, RawConfig.class);
        } catch (JsonMappingException e) {
            throw translate(e, source);
        } catch (JsonProcessingException e) {
            throw syntax(e, null, source);
        }
        return apply(raw, base, source);
    }

    private static ServerConfig apply(RawConfig raw, ServerConfig base, String source) {
        try {
            ServerConfig config = new ServerConfig(
                    store(raw.store(), base.store()),
                    server(raw.server(), base.server()),
                    limits(raw.limits(), base.limits()),
                    admin(raw.admin(), base.admin()),
                    metrics(raw.metrics(), base.metrics()),
                    resp(raw.resp(), base.resp()));
            config.checkFiles();
            return config;
        } catch (ConfigException e) {
            throw e.from(source);
        }
    }

    // ------------------------------------------------------------------------------ applying

    private static <T> T or(T given, T base) {
        return given != null ? given : base;
    }

    private static StoreSettings store(RawStore r, StoreSettings b) {
        if (r == null) {
            return b;
        }
        RawZeroer z = r.zeroer() != null ? r.zeroer() : new RawZeroer(null, null);
        return new StoreSettings(
                r.dir() != null ? path("store.dir", r.dir()) : b.dir(),
                or(r.regionSize(), b.regionSize()),
                or(r.blockSize(), b.blockSize()),
                or(r.journalSize(), b.journalSize()),
                or(r.durability(), b.durability()),
                or(r.commitInterval(), b.commitInterval()),
                or(r.verifyOnRead(), b.verifyOnRead()),
                new ZeroerSettings(or(z.enabled(), b.zeroer().enabled()), or(z.poolSize(), b.zeroer().poolSize())));
    }

    private static ServerSettings server(RawServer r, ServerSettings b) {
        if (r == null) {
            return b;
        }
        RawTls t = r.tls() != null ? r.tls() : new RawTls(null, null, null, null);
        TlsSettings bt = b.tls();
        return new ServerSettings(
                r.bind() != null ? Addresses.parse("server.bind", r.bind()) : b.bind(),
                or(r.port(), b.port()),
                or(r.ioThreads(), b.ioThreads()),
                or(r.transport(), b.transport()),
                or(r.allocator(), b.allocator()),
                r.authToken() != null ? Optional.of(r.authToken()) : b.authToken(),
                r.authTokenFile() != null ? optionalPath("server.auth-token-file", r.authTokenFile()) : b.authTokenFile(),
                new TlsSettings(
                        or(t.enabled(), bt.enabled()),
                        t.certChain() != null ? optionalPath("server.tls.cert-chain", t.certChain()) : bt.certChain(),
                        t.privateKey() != null ? optionalPath("server.tls.private-key", t.privateKey()) : bt.privateKey(),
                        or(t.provider(), bt.provider())));
    }

    private static LimitSettings limits(RawLimits r, LimitSettings b) {
        if (r == null) {
            return b;
        }
        return new LimitSettings(
                or(r.maxConnections(), b.maxConnections()),
                or(r.maxFrame(), b.maxFrame()),
                or(r.maxKey(), b.maxKey()),
                or(r.maxValue(), b.maxValue()),
                or(r.maxScanEntries(), b.maxScanEntries()),
                or(r.maxInFlightPerConnection(), b.maxInFlightPerConnection()),
                or(r.idleTimeout(), b.idleTimeout()),
                or(r.frameDeadline(), b.frameDeadline()),
                or(r.helloDeadline(), b.helloDeadline()),
                or(r.writeBufferLow(), b.writeBufferLow()),
                or(r.writeBufferHigh(), b.writeBufferHigh()),
                or(r.shutdownGrace(), b.shutdownGrace()));
    }

    private static AdminSettings admin(RawAdmin r, AdminSettings b) {
        if (r == null) {
            return b;
        }
        return new AdminSettings(
                or(r.enabled(), b.enabled()),
                r.bind() != null ? Addresses.parse("admin.bind", r.bind()) : b.bind(),
                or(r.port(), b.port()));
    }

    private static RespSettings resp(RawResp r, RespSettings b) {
        if (r == null) {
            return b;
        }
        return new RespSettings(or(r.enabled(), b.enabled()), or(r.port(), b.port()));
    }

    private static MetricsSettings metrics(RawMetrics r, MetricsSettings b) {
        if (r == null) {
            return b;
        }
        return new MetricsSettings(or(r.enabled(), b.enabled()), or(r.latencyHistograms(), b.latencyHistograms()));
    }

    private static Path path(String key, String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw ConfigException.invalid(key, "'" + text + "' is not a path: " + e.getReason());
        }
    }

    private static Optional<Path> optionalPath(String key, String text) {
        return text.isEmpty() ? Optional.empty() : Optional.of(path(key, text));
    }

    // ------------------------------------------------------------------------------ the keys

    /** Every setting's dotted key, in the order of the documented file. */
    static List<String> allKeys() {
        List<String> out = new ArrayList<>();
        collectKeys(RawConfig.class, "", out);
        return out;
    }

    private static void collectKeys(Class<?> type, String prefix, List<String> out) {
        for (var c : type.getRecordComponents()) {
            String key = prefix + KEBAB.translate(c.getName());
            if (isSection(c.getType())) {
                collectKeys(c.getType(), key + ".", out);
            } else {
                out.add(key);
            }
        }
    }

    /** The keys of one section (a raw record), in declaration order. */
    static List<String> keysOf(Class<?> section) {
        return Arrays.stream(section.getRecordComponents()).map(c -> KEBAB.translate(c.getName()))
                .collect(Collectors.toList());
    }

    private static Class<?> componentType(Class<?> section, String key) {
        for (var c : section.getRecordComponents()) {
            if (KEBAB.translate(c.getName()).equals(key)) {
                return c.getType();
            }
        }
        return null;
    }

    private static boolean isSection(Class<?> type) {
        return type.isRecord() && type.getEnclosingClass() == ConfigReader.class;
    }

    // ------------------------------------------------------------------------------ errors

    /**
     * The exception with the line of its key in {@code yaml}, when the key is written there: the
     * line a reader looks at, also for checks made after parsing (ranges, settings that contradict
     * each other). Jackson's own location is kept for problems not tied to a key written in the
     * file, and for keys given twice (the second one is the problem).
     */
    private static ConfigException withLine(ConfigException e, String yaml) {
        if (e.key() == null || e.problem().equals(DUPLICATE_PROBLEM)) {
            return e;
        }
        int line = lineOf(yaml, e.key());
        return line > 0 ? e.atLine(line) : e;
    }

    /** The line {@code dottedKey} is written on in {@code yaml}, or 0. */
    static int lineOf(String yaml, String dottedKey) {
        try (JsonParser p = MAPPER.createParser(yaml)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && dottedKey.equals(dotted(p.getParsingContext()))) {
                    return line(p.currentTokenLocation());
                }
            }
        } catch (IOException | RuntimeException e) {
            // a file broken further down: the key is not before the break
        }
        return 0;
    }

    private static String dotted(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            parts.add(0, c.inObject() ? String.valueOf(c.getCurrentName()) : Integer.toString(c.getCurrentIndex()));
        }
        return String.join(".", parts);
    }

    private static ConfigException translate(JsonMappingException e, String source) {
        String key = keyOf(e.getPath());
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof StreamReadException) {
                return syntax((StreamReadException) c, key, source);
            }
        }
        int line = line(e.getLocation());
        if (e instanceof BadValue) {
            return new ConfigException(source, line, key, e.getOriginalMessage(), null);
        }
        if (e instanceof UnrecognizedPropertyException) {
            UnrecognizedPropertyException u = (UnrecognizedPropertyException) e;
            Class<?> section = u.getReferringClass();
            List<String> allowed = section != null && isSection(section) ? keysOf(section)
                    : sorted(u.getKnownPropertyIds());
            return unknownKey(source, line, key, allowed);
        }
        if (e instanceof MismatchedInputException) {
            Class<?> target = ((MismatchedInputException) e).getTargetType();
            if (target != null && isSection(target)) {
                String keys = String.join(", ", keysOf(target));
                return key == null
                        ? new ConfigException(source, line, null, "must be a map of sections: " + keys, null)
                        : new ConfigException(source, line, key, "is a section; expected keys under it: " + keys, null);
            }
        }
        // not expected with the raw layer above; still never a raw Jackson exception
        return new ConfigException(source, line, key, "cannot be read: " + firstLine(e.getOriginalMessage()), e);
    }

    private static ConfigException syntax(JsonProcessingException e, String sectionKey, String source) {
        String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
        int line = line(e.getLocation());
        Matcher dup = DUPLICATE.matcher(message);
        if (dup.find()) {
            String key = sectionKey == null ? dup.group(1) : sectionKey + "." + dup.group(1);
            return new ConfigException(source, line, key, DUPLICATE_PROBLEM, null);
        }
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            // SnakeYAML says what is wrong (the problem) where (its mark), and in what (the context)
            if (c instanceof MarkedYAMLException && ((MarkedYAMLException) c).getProblemMark() != null) {
                MarkedYAMLException m = (MarkedYAMLException) c;
                String context = m.getContext() == null ? "" : ", " + m.getContext();
                return new ConfigException(source, m.getProblemMark().getLine() + 1, null, "not valid YAML: "
                        + firstLine(m.getProblem()) + " (column " + (m.getProblemMark().getColumn() + 1) + context + ")",
                        null);
            }
        }
        String column = e.getLocation() != null && e.getLocation().getColumnNr() > 0
                ? " (column " + e.getLocation().getColumnNr() + ")" : "";
        if (message.startsWith("Expected a field name")) {
            // "? [a, b]": a YAML complex key, reported by Jackson with SnakeYAML's event
            return new ConfigException(source, line, sectionKey, "a key must be a name, not a list or a section" + column,
                    null);
        }
        return new ConfigException(source, line, null, "not valid YAML: " + firstLine(message) + column, null);
    }

    private static ConfigException unknownKey(String source, int line, String key, List<String> allowed) {
        int dot = key.lastIndexOf('.');
        String name = key.substring(dot + 1);
        String where = dot < 0 ? "at the top level" : "in " + key.substring(0, dot);
        String suggestion = closest(name, allowed);
        return new ConfigException(source, line, key, "unknown key"
                + (suggestion == null ? "" : " (did you mean " + suggestion + "?)")
                + "; the keys allowed " + where + " are: " + String.join(", ", allowed), null);
    }

    private static String keyOf(List<JsonMappingException.Reference> path) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                parts.add(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                parts.add(Integer.toString(r.getIndex()));
            }
        }
        return parts.isEmpty() ? null : String.join(".", parts);
    }

    private static int line(com.fasterxml.jackson.core.JsonLocation location) {
        return location == null ? 0 : Math.max(0, location.getLineNr());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static List<String> sorted(Collection<Object> ids) {
        return ids == null ? List.of() : ids.stream().map(String::valueOf).sorted().collect(Collectors.toList());
    }

    /** The allowed key nearest to a misspelt one (at most 2 edits away), or null. */
    private static String closest(String name, List<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : allowed) {
            int d = distance(name, a);
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance with adjacent transpositions counting as one edit. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
