package io.daxkv.bench.ycsb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The captured YCSB outputs under src/test/resources/io/daxkv/bench/ycsb/samples (see the README there). */
final class Samples {

    private Samples() {
    }

    static List<String> lines(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("samples/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static YcsbOutput parse(String name) {
        return YcsbOutput.parse(lines(name));
    }
}
