/**
 * The network server's configuration: {@link io.daxkv.server.config.ServerConfig} and its
 * sections, read from YAML ({@code config/daxkv.yaml} documents every key and its default) and
 * dotted-key overrides, checked as they are read; {@link io.daxkv.server.config.ConfigException}
 * for every problem; {@link io.daxkv.server.config.Sizes} and
 * {@link io.daxkv.server.config.Durations}, the one parser of sizes (64M) and durations (30s) for
 * the server and the CLI.
 */
package io.daxkv.server.config;
