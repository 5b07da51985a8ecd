package io.daxkv.server;

import io.daxkv.DaxKV;
import io.daxkv.Stats;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Status;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's metrics in a registry of its own (never the JVM-wide default), written as
 * Prometheus text on the admin port. Per-operation data points are looked up once, so counting
 * a request costs a few adds. Store figures (faults, conversions, pre-zeroed hits, commits...)
 * are read from {@link DaxKV#stats()} at scrape time.
 */
public final class ServerMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final EnumMap<Request.OpCase, CounterDataPoint[]> requests = new EnumMap<>(Request.OpCase.class);
    private final EnumMap<Request.OpCase, DistributionDataPoint> latency = new EnumMap<>(Request.OpCase.class);
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder connectionsRejected = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final AtomicInteger connectionsOpen = new AtomicInteger();
    private final AtomicInteger writesInFlight = new AtomicInteger();
    private final AtomicInteger connectionsPaused = new AtomicInteger();
    private final LongAdder frameDeadlinesDeferred = new LongAdder();
    private final boolean enabled;
    private final boolean latencyHistograms;
    private final DaxKV kv;
    private volatile Stats cachedStats;

    /**
     * @param enabled           count requests, bytes and errors (metrics.enabled); store figures and
     *                          connection gauges are reported either way
     * @param latencyHistograms also time each request (metrics.latency-histograms)
     */
    public ServerMetrics(DaxKV kv, boolean enabled, boolean latencyHistograms) {
        this.kv = kv;
        this.enabled = enabled;
        this.latencyHistograms = enabled && latencyHistograms;
        Counter reqs = Counter.builder().name("daxkv_requests_total")
                .help("Requests answered, by operation and status").labelNames("op", "status")
                .withoutExemplars().register(registry);
        Histogram hist = this.latencyHistograms
                ? Histogram.builder().name("daxkv_request_duration_seconds")
                        .help("Time from reading a request to writing its response, by operation")
                        .labelNames("op").classicOnly()
                        .classicUpperBounds(5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3,
                                1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                        .withoutExemplars().register(registry)
                : null;
        for (Request.OpCase op : Request.OpCase.values()) {
            String name = opName(op);
            CounterDataPoint[] byStatus = new CounterDataPoint[Status.values().length];
            for (Status s : Status.values()) {
                if (s != Status.UNRECOGNIZED) {
                    byStatus[s.ordinal()] = reqs.labelValues(name, s.name().toLowerCase(Locale.ROOT));
                }
            }
            requests.put(op, byStatus);
            if (hist != null) {
                latency.put(op, hist.labelValues(name));
            }
        }
        counter("daxkv_network_received_bytes_total", "Bytes of frames received", bytesIn::sum);
        counter("daxkv_network_sent_bytes_total", "Bytes of frames sent", bytesOut::sum);
        counter("daxkv_connections_accepted_total", "Connections accepted", connectionsAccepted::sum);
        counter("daxkv_connections_rejected_total", "Connections closed at once: over the connection limit",
                connectionsRejected::sum);
        counter("daxkv_protocol_errors_total", "Connections closed for a protocol error (bad frame, "
                + "missing hello, deadline)", protocolErrors::sum);
        gauge("daxkv_connections_open", "Connections open now", connectionsOpen::get);
        gauge("daxkv_connections_paused", "Connections whose reading is paused: the client does not read its "
                + "responses fast enough, or too many of its writes wait for their commit", connectionsPaused::get);
        counter("daxkv_frame_deadlines_deferred_total", "Partly received frames past limits.frame-deadline on a"
                + " connection whose reading was paused: not closed, since the server stopped reading",
                frameDeadlinesDeferred::sum);
        gauge("daxkv_writes_in_flight", "Durable writes waiting for their commit", writesInFlight::get);
        storeCounter("daxkv_store_faults_total", "First writes to unwritten blocks (faults)", Stats::faults);
        storeCounter("daxkv_store_conversions_total", "Unwritten-to-written conversions", Stats::conversions);
        storeCounter("daxkv_store_prezeroed_hits_total", "Faults served by a block the zeroer had zeroed",
                Stats::preZeroedHits);
        storeCounter("daxkv_store_bytes_zeroed_on_fault_total", "Bytes zeroed inline on a fault",
                Stats::bytesZeroedOnFault);
        storeCounter("daxkv_journal_commits_total", "Journal commits", Stats::journalCommits);
        storeCounter("daxkv_journal_checkpoints_total", "Journal checkpoints", Stats::journalCheckpoints);
        storeGauge("daxkv_store_keys", "Keys stored", Stats::keys);
        storeGauge("daxkv_store_live_bytes", "Bytes of live values", Stats::liveBytes);
        storeGauge("daxkv_store_blocks_used", "Blocks in use", Stats::blocksUsed);
        storeGauge("daxkv_store_blocks_free", "Blocks free", Stats::blocksFree);
        storeGauge("daxkv_store_prezeroed_blocks", "Blocks zeroed ahead and not yet used", Stats::preZeroedBlocks);
        storeGauge("daxkv_journal_used_bytes", "Bytes of the journal in use", Stats::journalUsedBytes);
        storeGauge("daxkv_journal_capacity_bytes", "Journal size", Stats::journalCapacityBytes);
    }

    static String opName(Request.OpCase op) {
        return op == Request.OpCase.OP_NOT_SET ? "unknown" : op.name().toLowerCase(Locale.ROOT);
    }

    private void counter(String name, String help, java.util.function.LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    private void gauge(String name, String help, java.util.function.IntSupplier value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsInt())).register(registry);
    }

    private void storeCounter(String name, String help, java.util.function.ToLongFunction<Stats> value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.applyAsLong(stats()))).register(registry);
    }

    private void storeGauge(String name, String help, java.util.function.ToLongFunction<Stats> value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.applyAsLong(stats()))).register(registry);
    }

    /** The store's stats, read once per scrape (scrapes are serialised by {@link #scrape()}). */
    private Stats stats() {
        Stats s = cachedStats;
        return s != null ? s : kv.stats();
    }

    /** Counts one answered request and, with histograms on, its latency. */
    void answered(Request.OpCase op, Status status, long startNanos) {
        if (!enabled) {
            return;
        }
        int i = status == Status.UNRECOGNIZED ? Status.INTERNAL.ordinal() : status.ordinal();
        requests.get(op)[i].inc();
        if (latencyHistograms) {
            latency.get(op).observe((System.nanoTime() - startNanos) / 1e9);
        }
    }

    /** Requests of {@code op} answered so far, whatever their status. */
    public long answered(Request.OpCase op) {
        long n = 0;
        for (CounterDataPoint p : requests.get(op)) {
            if (p != null) {
                n += p.getLongValue();
            }
        }
        return n;
    }

    void received(int bytes) {
        if (!enabled) {
            return;
        }
        bytesIn.add(bytes);
    }

    void sent(int bytes) {
        if (!enabled) {
            return;
        }
        bytesOut.add(bytes);
    }

    void connectionOpened() {
        connectionsAccepted.increment();
        connectionsOpen.incrementAndGet();
    }

    void connectionClosed() {
        connectionsOpen.decrementAndGet();
    }

    void connectionRejected() {
        connectionsRejected.increment();
    }

    void protocolError() {
        protocolErrors.increment();
    }

    void paused(boolean paused) {
        if (paused) {
            connectionsPaused.incrementAndGet();
        } else {
            connectionsPaused.decrementAndGet();
        }
    }

    void frameDeadlineDeferred() {
        frameDeadlinesDeferred.increment();
    }

    /** See the metric daxkv_frame_deadlines_deferred_total. */
    public long frameDeadlinesDeferred() {
        return frameDeadlinesDeferred.sum();
    }

    public int connectionsPaused() {
        return connectionsPaused.get();
    }

    void writeStarted() {
        writesInFlight.incrementAndGet();
    }

    void writeFinished() {
        writesInFlight.decrementAndGet();
    }

    public int connectionsOpen() {
        return connectionsOpen.get();
    }

    public int writesInFlight() {
        return writesInFlight.get();
    }

    /** Every metric in Prometheus text format 0.0.4. */
    public synchronized byte[] scrape() {
        cachedStats = kv.stats();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 << 10);
            PrometheusTextFormatWriter.create().write(out, registry.scrape(),
                    io.prometheus.metrics.config.EscapingScheme.UNDERSCORE_ESCAPING);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            cachedStats = null;
        }
    }

    /** Counters for the STATS operation: the store's and the server's figures by name. */
    public Map<String, Long> counters() {
        Stats s = kv.stats();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("store_keys", s.keys());
        m.put("store_live_bytes", s.liveBytes());
        m.put("store_blocks_used", s.blocksUsed());
        m.put("store_blocks_free", s.blocksFree());
        m.put("store_faults_total", s.faults());
        m.put("store_conversions_total", s.conversions());
        m.put("store_prezeroed_hits_total", s.preZeroedHits());
        m.put("journal_commits_total", s.journalCommits());
        m.put("journal_checkpoints_total", s.journalCheckpoints());
        m.put("journal_used_bytes", s.journalUsedBytes());
        m.put("connections_open", (long) connectionsOpen.get());
        m.put("connections_accepted_total", connectionsAccepted.sum());
        m.put("connections_paused", (long) connectionsPaused.get());
        m.put("writes_in_flight", (long) writesInFlight.get());
        m.put("network_received_bytes_total", bytesIn.sum());
        m.put("network_sent_bytes_total", bytesOut.sum());
        return m;
    }
}
