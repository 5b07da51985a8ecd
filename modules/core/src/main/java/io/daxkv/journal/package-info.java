/**
 * The metadata journal (jbd2's role): every write operation of the store is one transaction in
 * a circular log ({@link io.daxkv.journal.JournalLayout} documents the bytes), written while the
 * writer holds the append lock, committed in groups by one flush, checkpointed by writing the
 * regions home and moving the tail, and replayed at open ({@link io.daxkv.journal.Journal}).
 *
 * <p>Threading: appenders serialize on the append lock; one committer thread and one
 * checkpointer thread run beside them, and a SYNC writer that finds no commit in flight commits
 * the group itself. Errors: {@link io.daxkv.DaxKVException.ReadOnly} once a flush has failed (for
 * good), {@link io.daxkv.DaxKVException.Corrupt} for a journal whose superblock cannot be read.
 *
 * Internal: not part of the public API.
 */
package io.daxkv.journal;
