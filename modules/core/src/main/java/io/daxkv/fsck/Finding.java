package io.daxkv.fsck;

import io.daxkv.engine.Limits;

/**
 * One thing fsck found wrong: what kind, where (file, region, group, block, key: whichever
 * apply, the rest -1 or null), what exactly, and what became of it.
 *
 * @param kind     what is wrong
 * @param file     the file name in the store directory ({@code region-000000.dax}, {@code MANIFEST}, ...)
 * @param regionId the region, or -1
 * @param group    the block group, or -1
 * @param block    the first data block concerned (region-relative), or -1
 * @param key      the record's key, or null
 * @param what     the finding in words, with the numbers
 * @param outcome  left as found, fixed, or "fixed" by removing data
 */
public record Finding(Kind kind, String file, int regionId, int group, int block, byte[] key, String what,
                      Outcome outcome) {

    /** What is wrong. */
    public enum Kind {
        /** The manifest cannot be read or fails its checks. */
        MANIFEST,
        /** The journal's superblock fails its checks, or the replay (a normal open) failed. */
        JOURNAL,
        /** A region file is missing, of the wrong size, or its superblock fails its checks. */
        SUPERBLOCK,
        /** A group descriptor fails its CRC or disagrees with the geometry. */
        GROUP_DESCRIPTOR,
        /** A group's block bitmap fails the CRC its descriptor holds. */
        BITMAP_CHECKSUM,
        /** A descriptor's free-block count disagrees with its bitmap. */
        FREE_COUNT,
        /** Blocks marked used that no live record owns (space lost until repaired). */
        LEAKED_BLOCKS,
        /** A live record's blocks marked free (they could be handed out again and overwritten). */
        UNMARKED_BLOCKS,
        /** Two live records claim the same block. */
        OVERLAP,
        /** A record's key and value fail the data CRC its header holds, or its continuation chain is broken. */
        DATA_CHECKSUM,
        /** An intact record that is not its key's live version (superseded, or above the committed sequence). */
        STALE_RECORD,
        /** An intact continuation no live record lists. */
        STALE_CONTINUATION,
        /**
         * The index checkpoint the journal names is missing, damaged, or disagrees with the live
         * records (repair writes it again from them).
         */
        INDEX,
    }

    /** What became of a finding. */
    public enum Outcome {
        /** Reported only (no {@code --repair}, or nothing safe to do). */
        LEFT,
        /** Repaired; no data was lost. */
        FIXED,
        /** Repaired by removing the damaged record: that key's value (or that version of it) is gone. */
        FIXED_DATA_LOST,
    }

    /** The same finding with another outcome. */
    public Finding withOutcome(Outcome o) {
        return new Finding(kind, file, regionId, group, block, key, what, o);
    }

    /** Where, in words: "region-000000.dax group 0 block 123 key "k"". */
    public String where() {
        StringBuilder sb = new StringBuilder(file == null ? "" : file);
        if (group >= 0) {
            sb.append(sb.length() > 0 ? " " : "").append("group ").append(group);
        }
        if (block >= 0) {
            sb.append(sb.length() > 0 ? " " : "").append("block ").append(block);
        }
        if (key != null) {
            sb.append(sb.length() > 0 ? " " : "").append("key ").append(Limits.describeKey(key));
        }
        return sb.toString();
    }

    /** One line: where, kind, what, and the outcome when not LEFT. */
    @Override
    public String toString() {
        String tail = switch (outcome) {
            case LEFT -> "";
            case FIXED -> " [fixed]";
            case FIXED_DATA_LOST -> " [removed: data lost]";
        };
        return where() + ": " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + what + tail;
    }
}
