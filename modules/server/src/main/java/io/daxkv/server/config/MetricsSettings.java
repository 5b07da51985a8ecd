package io.daxkv.server.config;

/**
 * {@code metrics}: what the server measures (served on the admin port).
 *
 * @param enabled           {@code metrics.enabled}: count requests, bytes, connections and errors
 * @param latencyHistograms {@code metrics.latency-histograms}: also record each request's latency
 *                          per operation (a histogram update per request); ignored when enabled is false
 */
public record MetricsSettings(boolean enabled, boolean latencyHistograms) {

    /** Both on. */
    public static MetricsSettings defaults() {
        return new MetricsSettings(true, true);
    }
}
