package io.daxkv.journal;

import java.util.ArrayList;
import java.util.List;

/** What {@link Journal#replay()} found: the entries of every valid transaction, in log order. */
public final class Replayed {
    public final List<JournalEntry> entries = new ArrayList<>();
    /** Per transaction, in order: the index in {@link #entries} just past its last entry. */
    public final List<Integer> transactionEnds = new ArrayList<>();
    /** Per transaction, in order: the highest sequence in it. */
    public final List<Long> transactionMaxSeqs = new ArrayList<>();
    /** The sequence the superblock says is home (every write up to it), before any transaction. */
    public long checkpointSeq;
    public long transactions;
    public long committedSeq;
    public long millis;
    long headOffset;
    long nextTxnId;
    long bytes;
}
