package io.daxkv.server;

import static io.daxkv.server.WireProtocolTest.get;
import static io.daxkv.server.WireProtocolTest.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin port: Prometheus metrics that move with the traffic, health, loopback only. */
class AdminHttpTest {

    @TempDir
    Path tmp;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> http(String method, java.net.InetSocketAddress a, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static double metric(String text, String nameAndLabels) {
        Matcher m = Pattern.compile("^" + Pattern.quote(nameAndLabels) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + nameAndLabels + " in:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    @Test
    void metricsCountTrafficAndStoreFigures() throws Exception {
        try (TestServer ts = new TestServer(tmp.resolve("s")); WireClient c = WireClient.connected(ts.address())) {
            var admin = ts.server.adminAddress();
            String before = http("GET", admin, "/metrics").body();
            double puts0 = metric(before, "daxkv_requests_total{op=\"put\",status=\"ok\"}");
            double faults0 = metric(before, "daxkv_store_faults_total");
            for (int i = 0; i < 25; i++) {
                c.call(put(10 + i, "k" + i, "v" + i));
            }
            c.call(get(50, "k1"));
            c.call(get(51, "absent"));
            HttpResponse<String> r = http("GET", admin, "/metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
            String m = r.body();
            assertEquals(puts0 + 25, metric(m, "daxkv_requests_total{op=\"put\",status=\"ok\"}"));
            assertEquals(2, metric(m, "daxkv_requests_total{op=\"get\",status=\"ok\"}"));
            assertEquals(1, metric(m, "daxkv_requests_total{op=\"hello\",status=\"ok\"}"));
            assertEquals(27, metric(m, "daxkv_request_duration_seconds_count{op=\"put\"}") + 2);
            assertTrue(metric(m, "daxkv_request_duration_seconds_bucket{op=\"put\",le=\"+Inf\"}") == 25);
            assertTrue(metric(m, "daxkv_store_faults_total") > faults0, "puts faulted new blocks");
            assertTrue(metric(m, "daxkv_store_conversions_total") > 0);
            assertTrue(metric(m, "daxkv_journal_commits_total") >= 0);
            assertEquals(25, metric(m, "daxkv_store_keys"));
            assertEquals(1, metric(m, "daxkv_connections_open"));
            assertTrue(metric(m, "daxkv_network_received_bytes_total") > 25 * 4);
            assertTrue(metric(m, "daxkv_network_sent_bytes_total") > 0);
            assertTrue(m.contains("daxkv_store_prezeroed_hits_total"), "pre-zeroed hits are exported");
        }
    }

    @Test
    void healthAndUnknownPaths() throws Exception {
        try (TestServer ts = new TestServer(tmp.resolve("s"))) {
            var admin = ts.server.adminAddress();
            HttpResponse<String> h = http("GET", admin, "/health");
            assertEquals(200, h.statusCode());
            assertEquals("ok\n", h.body());
            assertEquals(404, http("GET", admin, "/nope").statusCode());
            assertEquals(405, http("POST", admin, "/metrics").statusCode());
            ts.close();
            assertThrows(java.io.IOException.class, () -> http("GET", admin, "/health"), "closed with the server");
        }
    }

    @Test
    void aPortInUseIsAClearErrorAndReleasesEverything() {
        try (TestServer first = new TestServer(tmp.resolve("a"))) {
            int taken = first.address().getPort();
            ServerStartException e = assertThrows(ServerStartException.class,
                    () -> new TestServer(tmp.resolve("b"), java.util.Map.of("server.port", "" + taken)).close());
            assertTrue(e.getMessage().contains("cannot listen on") && e.getMessage().contains(":" + taken)
                    && e.getMessage().contains("server.port"), e.getMessage());
            int adminTaken = first.server.adminAddress().getPort();
            e = assertThrows(ServerStartException.class,
                    () -> new TestServer(tmp.resolve("b"), java.util.Map.of("admin.port", "" + adminTaken)).close());
            assertTrue(e.getMessage().contains("admin.port"), e.getMessage());
            // the failed starts closed their stores: the directory opens again
            io.daxkv.DaxKV.open(tmp.resolve("b")).close();
        }
    }

    @Test
    void adminRefusesToBindBeyondLoopback() {
        var e = assertThrows(io.daxkv.server.config.ConfigException.class,
                () -> TestServer.config(java.util.Map.of("admin.bind", "0.0.0.0")));
        assertTrue(e.getMessage().contains("admin.bind") && e.getMessage().contains("loopback"), e.getMessage());
    }
}
