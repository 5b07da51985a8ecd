package io.daxkv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.Durability;
import io.daxkv.JvmFlags;
import io.daxkv.Options;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blocks a transaction frees become reusable only after that transaction commits (as in jbd2). */
class DeferredFreeTest {

    @TempDir
    Path tmp;

    @Test
    void anOverwrittenRecordKeepsItsBlocksUntilTheOverwriteCommits() {
        JvmFlags.check();
        Options lazy = Options.builder().regionSizeBytes(4 << 20).journalSizeBytes(1 << 20).commitIntervalMs(1000)
                .zeroer(false).build();
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        try (Store s = Store.open(tmp.resolve("s"), lazy)) {
            s.put(key, ByteBuffer.wrap(new byte[1000]), Store.PutMode.UPSERT, Durability.SYNC);
            long usedWithOne = s.stats().blocksUsed();
            long commits = s.stats().journalCommits();
            s.put(key, ByteBuffer.wrap(new byte[1000]), Store.PutMode.UPSERT, Durability.ASYNC);
            long usedWithBoth = s.stats().blocksUsed();
            assertTrue(usedWithBoth > usedWithOne, "the new record took blocks");
            s.reclaimer().reclaimWaiting(); // as hard as the store ever tries without a commit
            if (s.stats().journalCommits() == commits) { // no interval commit slipped in
                assertEquals(usedWithBoth, s.stats().blocksUsed(), "the old record's blocks stay taken before the commit");
            }
            s.reclaimAll(); // commits, then reclaims
            assertEquals(usedWithOne, s.stats().blocksUsed(), "after the commit the old record's blocks are free");
        }
    }
}
