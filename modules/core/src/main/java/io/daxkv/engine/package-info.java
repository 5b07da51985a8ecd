/**
 * The engine: open/recovery, the put/get/delete/scan/batch/blob paths, reclamation and
 * durability. {@link io.daxkv.engine.Store} documents the paths and the locking;
 * {@link io.daxkv.engine.Recovery} how the journal is replayed and the index and bitmaps rebuilt
 * from the records; {@link io.daxkv.engine.BatchWriter} how a batch is one journal transaction;
 * {@link io.daxkv.engine.Publisher} the commit step every write takes under the journal's lock;
 * {@link io.daxkv.engine.Reclaimer} how a superseded or deleted record becomes free space;
 * {@link io.daxkv.engine.StoreDirectory} who may open a directory and what belongs in it;
 * {@link io.daxkv.engine.Limits} the key and value limits.
 *
 * <h2>Store directory</h2>
 * <pre>
 *   MANIFEST              store UUID, format version, geometry, region list ({@link io.daxkv.region.Manifest})
 *   LOCK                  held (fcntl lock) while the store is open
 *   JOURNAL               the metadata journal: superblock slots and a circular log of transactions
 *                         ({@link io.daxkv.journal.JournalLayout})
 *   region-000000.dax     region files ({@link io.daxkv.region.Geometry}, {@link io.daxkv.region.Superblock},
 *   region-000001.dax ... {@link io.daxkv.region.GroupDescriptor}); records in their data blocks
 *                         ({@link io.daxkv.extent.RecordHeader}, {@link io.daxkv.extent.ContinuationHeader},
 *                         {@link io.daxkv.extent.ChunkTable})
 * </pre>
 *
 * Internal: not part of the public API.
 */
package io.daxkv.engine;
