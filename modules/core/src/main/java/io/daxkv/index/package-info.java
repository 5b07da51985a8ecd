/**
 * The in-memory index (hash for point lookups beside a skip list for order) and epoch-based
 * reclamation ({@link io.daxkv.index.Epochs}), which keeps a reader from reading an extent
 * freed and reused under it. Internal.
 */
package io.daxkv.index;
