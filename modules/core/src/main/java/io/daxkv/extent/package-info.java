/**
 * The on-disk shape of records: {@link io.daxkv.extent.RecordHeader},
 * {@link io.daxkv.extent.ContinuationHeader}, {@link io.daxkv.extent.ChunkTable}, and
 * {@link io.daxkv.extent.RecordPlan} (how a record is cut into extents). Internal.
 */
package io.daxkv.extent;
