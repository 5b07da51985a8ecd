/**
 * fsck for daxkv stores: {@link io.daxkv.fsck.Fsck#run} checks a closed store's files and, when
 * asked, repairs what is safe, and says what it could not ({@link io.daxkv.fsck.FsckReport}).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Claim.</b> The directory is claimed as an open claims it, for the whole run: a store
 *       open in this JVM or another process is refused with {@link io.daxkv.DaxKVException.Locked}.</li>
 *   <li><b>Writes.</b> Without repair nothing is written, with one exception: a store not closed
 *       clean is first opened and closed normally, which replays its journal and recovers its
 *       records exactly as any open would (e2fsck replays the journal the same way). A replay
 *       alone is a clean result. Otherwise region and journal files are mapped read-only.</li>
 *   <li><b>What is checked.</b> The manifest; the journal superblock; per region the file size,
 *       superblock, group descriptors and bitmap CRCs, free counts; every data block for a
 *       record or continuation header; per record its chain and data CRC; per key which record
 *       is live (recovery's rule: the newest that verifies at or below the committed sequence);
 *       overlaps between live extents; the bitmaps against the live extents (leaked: used and
 *       not owned; unmarked: owned and free); intact records and continuations that are not
 *       live (a crash-time open would consider them again), except those whose sequence lies
 *       in one of the journal's void ranges (left on purpose by a recovery built on the index
 *       checkpoint; every open drops them); with an empty journal, the index checkpoint the
 *       journal names against the live records (keys, addresses, sequences, value lengths).</li>
 *   <li><b>Repairs</b> ({@code repair} true): a group's bitmap and descriptor are rewritten from
 *       the live extents (fixes leaked and unmarked blocks, bad bitmap or descriptor CRCs, free
 *       counts); the header magic of a stale record or continuation is cleared (no data lost);
 *       so is that of a record whose chain or data CRC fails, which loses that value (or that
 *       version of it) and is reported as such; a missing, damaged or wrong index checkpoint is
 *       written again from the live records. Never repaired: the manifest, the journal, a
 *       superblock, overlaps. Nothing is repaired when the replay failed or the manifest, the
 *       journal or a region's superblock is bad (a record whose chain runs into a region that
 *       cannot be read would look damaged and be removed).</li>
 *   <li><b>Result.</b> {@code CLEAN} when nothing was found, {@code FIXED} when everything found
 *       was fixed without losing data, else {@code ERRORS_LEFT}; their {@code exitCode}s are
 *       e2fsck's 0, 1 and 4.</li>
 * * </ul>
 * Single-threaded; progress through {@link io.daxkv.fsck.ProgressListener}. Exceptions: the
 * {@link io.daxkv.DaxKVException} subtypes {@link io.daxkv.fsck.Fsck#run} lists, for what stops
 * a check before it can say anything about the store. Stable enough for the CLI; internal
 * otherwise.
 */
package io.daxkv.fsck;
