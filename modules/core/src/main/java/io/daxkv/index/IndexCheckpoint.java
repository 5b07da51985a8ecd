package io.daxkv.index;

import io.daxkv.DaxKVException;
import io.daxkv.extent.Bytes;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The index checkpoint ({@code INDEX-<txnId, 16 hex digits>} in the store directory): every live
 * key with its record's address and sequence, exactly as the index stood after one journal
 * transaction. Open loads it and replays only the transactions after that one, instead of
 * scanning every region.
 *
 * <h2>Layout (little-endian)</h2>
 * <pre>
 *  header, 64 bytes
 *    0  4  magic        0x494B5844: "DXKI"
 *    4  4  version      {@link #VERSION}
 *    8  8  storeUuidMsb
 *   16  8  storeUuidLsb
 *   24  8  txnId        the index holds every transaction up to this id and none after it
 *   32  8  maxSeq       the highest sequence handed out by then (at least every entry's)
 *   40  8  entryCount
 *   48 12  reserved, zero
 *   60  4  headerCrc    CRC32C of bytes [0, 60)
 *  entryCount entries, in unsigned key order
 *    0  8  address      the record's primary extent (an ExtentAddress)
 *    8  8  sequence
 *   16  8  valueLength  (with the key's length, it gives the record's extents)
 *   24  4  keyLength    1 .. 65536
 *   28  .  key
 *  trailer, 8 bytes
 *    0  4  magic        0x454B5844: "DXKE"
 *    4  4  crc32c       CRC32C of every byte before the trailer
 * </pre>
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>Written to {@code INDEX-<txnId>.tmp}, forced, renamed to {@code INDEX-<txnId>}, directory
 *       forced: the file is whole or absent.</li>
 *   <li>It is written only once its transaction is committed, every write up to it is home in the
 *       regions and every record it unlinked is cleared; the journal's tail moves past that
 *       transaction only after the rename, in the same superblock write that names the new file's
 *       transaction ({@code indexTxnId}); open reads only the file the superblock names. Older
 *       files are deleted after that write.</li>
 *   <li>Any damage (CRC, magic, store, truncation) makes open fall back to scanning the regions.</li>
 * </ol>
 */
public final class IndexCheckpoint {

    /** File names are this prefix and the transaction id in 16 hex digits. */
    public static final String FILE_PREFIX = "INDEX-";
    public static final int MAGIC = 0x494B5844;
    public static final int TRAILER_MAGIC = 0x454B5844;
    public static final int VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + 4;
    public static final int UUID_MSB_OFFSET = VERSION_OFFSET + 4;
    public static final int UUID_LSB_OFFSET = UUID_MSB_OFFSET + 8;
    public static final int TXN_ID_OFFSET = UUID_LSB_OFFSET + 8;
    public static final int MAX_SEQ_OFFSET = TXN_ID_OFFSET + 8;
    public static final int ENTRY_COUNT_OFFSET = MAX_SEQ_OFFSET + 8;
    public static final int RESERVED_OFFSET = ENTRY_COUNT_OFFSET + 8;
    public static final int RESERVED_BYTES = 12;
    public static final int HEADER_CRC_OFFSET = RESERVED_OFFSET + RESERVED_BYTES;
    public static final int HEADER_BYTES = HEADER_CRC_OFFSET + 4;

    public static final int ENTRY_ADDRESS_OFFSET = 0;
    public static final int ENTRY_SEQUENCE_OFFSET = ENTRY_ADDRESS_OFFSET + 8;
    public static final int ENTRY_VALUE_LENGTH_OFFSET = ENTRY_SEQUENCE_OFFSET + 8;
    public static final int ENTRY_KEY_LENGTH_OFFSET = ENTRY_VALUE_LENGTH_OFFSET + 8;
    public static final int ENTRY_FIXED_BYTES = ENTRY_KEY_LENGTH_OFFSET + 4;
    public static final int TRAILER_BYTES = 8;
    /** Longest key an entry may carry (the store's limit). */
    public static final int MAX_KEY_BYTES = 64 << 10;
    /** Longest value an entry may carry (the store's limit). */
    public static final long MAX_VALUE_BYTES = io.daxkv.engine.Limits.MAX_VALUE_BYTES;

    /** The index at one transaction: parallel arrays in key order. */
    public static final class Snapshot {
        public final long txnId;
        public final long maxSeq;
        public final byte[][] keys;
        public final long[] addresses;
        public final long[] sequences;
        public final long[] valueLengths;

        public Snapshot(long txnId, long maxSeq, byte[][] keys, long[] addresses, long[] sequences, long[] valueLengths) {
            this.txnId = txnId;
            this.maxSeq = maxSeq;
            this.keys = keys;
            this.addresses = addresses;
            this.sequences = sequences;
            this.valueLengths = valueLengths;
        }

        public int size() {
            return keys.length;
        }
    }

    private IndexCheckpoint() {
    }

    /**
     * Copies {@code index} (the caller holds whatever keeps it from changing: the journal's
     * append lock) as of transaction {@code txnId}. Keys are shared, not copied: they never change.
     */
    public static Snapshot snapshot(Index index, long txnId, long maxSeq) {
        int n = index.size();
        byte[][] keys = new byte[n][];
        long[] addresses = new long[n];
        long[] sequences = new long[n];
        long[] valueLengths = new long[n];
        int i = 0;
        for (IndexEntry e : index.all()) {
            if (i == n) {
                throw new IllegalStateException("the index changed while it was copied");
            }
            keys[i] = e.key;
            addresses[i] = e.address;
            sequences[i] = e.sequence;
            valueLengths[i] = e.valueLength;
            i++;
        }
        if (i != n) {
            throw new IllegalStateException("the index changed while it was copied (" + i + " of " + n + ")");
        }
        return new Snapshot(txnId, maxSeq, keys, addresses, sequences, valueLengths);
    }

    /** The file of the checkpoint at transaction {@code txnId}. */
    public static Path file(Path dir, long txnId) {
        return dir.resolve(FILE_PREFIX + String.format("%016x", txnId));
    }

    /** True for the name of a checkpoint file or of a temporary one. */
    public static boolean isCheckpointFile(String name) {
        return name.startsWith(FILE_PREFIX)
                && name.substring(FILE_PREFIX.length()).replace(".tmp", "").matches("[0-9a-f]{16}");
    }

    /** Writes {@code s} as its file (through a temporary file and a rename), durably; returns the file. */
    public static Path write(Path dir, UUID storeUuid, Snapshot s) throws IOException {
        Path file = file(dir, s.txnId);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            CRC32C crc = new CRC32C();
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            byte[] header = new byte[HEADER_BYTES];
            Bytes.putInt(header, MAGIC_OFFSET, MAGIC);
            Bytes.putInt(header, VERSION_OFFSET, VERSION);
            Bytes.putLong(header, UUID_MSB_OFFSET, storeUuid.getMostSignificantBits());
            Bytes.putLong(header, UUID_LSB_OFFSET, storeUuid.getLeastSignificantBits());
            Bytes.putLong(header, TXN_ID_OFFSET, s.txnId);
            Bytes.putLong(header, MAX_SEQ_OFFSET, s.maxSeq);
            Bytes.putLong(header, ENTRY_COUNT_OFFSET, s.size());
            crc.update(header, 0, HEADER_CRC_OFFSET);
            Bytes.putInt(header, HEADER_CRC_OFFSET, (int) crc.getValue());
            crc.reset();
            crc.update(header, 0, HEADER_BYTES);
            out.write(header);
            byte[] fixed = new byte[ENTRY_FIXED_BYTES];
            for (int i = 0; i < s.size(); i++) {
                Bytes.putLong(fixed, ENTRY_ADDRESS_OFFSET, s.addresses[i]);
                Bytes.putLong(fixed, ENTRY_SEQUENCE_OFFSET, s.sequences[i]);
                Bytes.putLong(fixed, ENTRY_VALUE_LENGTH_OFFSET, s.valueLengths[i]);
                Bytes.putInt(fixed, ENTRY_KEY_LENGTH_OFFSET, s.keys[i].length);
                crc.update(fixed, 0, ENTRY_FIXED_BYTES);
                crc.update(s.keys[i], 0, s.keys[i].length);
                out.write(fixed);
                out.write(s.keys[i]);
            }
            byte[] trailer = new byte[TRAILER_BYTES];
            Bytes.putInt(trailer, 0, TRAILER_MAGIC);
            Bytes.putInt(trailer, 4, (int) crc.getValue());
            out.write(trailer);
            out.flush();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        io.daxkv.region.Manifest.fsyncDirectory(dir);
        return file;
    }

    /** Deletes every checkpoint file (and leftover temporary one) but that of {@code keepTxnId}. */
    public static void deleteAllBut(Path dir, long keepTxnId) throws IOException {
        String keep = file(dir, keepTxnId).getFileName().toString();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (isCheckpointFile(name) && !name.equals(keep)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Reads the checkpoint of transaction {@code txnId}, checking every byte; null when there is none.
     *
     * @throws DaxKVException.Corrupt naming the file and what is wrong (the caller scans instead)
     */
    public static Snapshot read(Path dir, long txnId, UUID storeUuid) throws IOException {
        Path file = file(dir, txnId);
        InputStream raw;
        long size;
        try {
            size = Files.size(file);
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try (InputStream in = new BufferedInputStream(raw, 1 << 16)) {
            CRC32C crc = new CRC32C();
            byte[] header = readFully(in, HEADER_BYTES, file);
            if (Bytes.getInt(header, MAGIC_OFFSET) != MAGIC) {
                throw corrupt(file, "magic is 0x" + Integer.toHexString(Bytes.getInt(header, MAGIC_OFFSET)));
            }
            crc.update(header, 0, HEADER_CRC_OFFSET);
            if ((int) crc.getValue() != Bytes.getInt(header, HEADER_CRC_OFFSET)) {
                throw corrupt(file, "header checksum mismatch");
            }
            if (Bytes.getInt(header, VERSION_OFFSET) != VERSION) {
                throw corrupt(file, "version " + Bytes.getInt(header, VERSION_OFFSET) + ", this build reads " + VERSION);
            }
            UUID uuid = new UUID(Bytes.getLong(header, UUID_MSB_OFFSET), Bytes.getLong(header, UUID_LSB_OFFSET));
            if (!uuid.equals(storeUuid)) {
                throw corrupt(file, "belongs to store " + uuid + ", not " + storeUuid);
            }
            long count = Bytes.getLong(header, ENTRY_COUNT_OFFSET);
            if (count < 0 || count > (size - HEADER_BYTES - TRAILER_BYTES) / (ENTRY_FIXED_BYTES + 1)) {
                throw corrupt(file, "entry count " + count + " does not fit a file of " + size + " bytes");
            }
            crc.reset();
            crc.update(header, 0, HEADER_BYTES);
            int n = (int) count;
            byte[][] keys = new byte[n][];
            long[] addresses = new long[n];
            long[] sequences = new long[n];
            long[] valueLengths = new long[n];
            byte[] fixed = new byte[ENTRY_FIXED_BYTES];
            for (int i = 0; i < n; i++) {
                readFully(in, fixed, file);
                addresses[i] = Bytes.getLong(fixed, ENTRY_ADDRESS_OFFSET);
                sequences[i] = Bytes.getLong(fixed, ENTRY_SEQUENCE_OFFSET);
                valueLengths[i] = Bytes.getLong(fixed, ENTRY_VALUE_LENGTH_OFFSET);
                if (valueLengths[i] < 0 || valueLengths[i] > MAX_VALUE_BYTES) {
                    throw corrupt(file, "entry " + i + " has a value of " + valueLengths[i] + " bytes");
                }
                int keyLength = Bytes.getInt(fixed, ENTRY_KEY_LENGTH_OFFSET);
                if (keyLength < 1 || keyLength > MAX_KEY_BYTES) {
                    throw corrupt(file, "entry " + i + " has a key of " + keyLength + " bytes");
                }
                keys[i] = readFully(in, keyLength, file);
                if (i > 0 && Arrays.compareUnsigned(keys[i - 1], keys[i]) >= 0) {
                    throw corrupt(file, "entry " + i + " is out of key order");
                }
                crc.update(fixed, 0, ENTRY_FIXED_BYTES);
                crc.update(keys[i], 0, keyLength);
            }
            byte[] trailer = readFully(in, TRAILER_BYTES, file);
            if (Bytes.getInt(trailer, 0) != TRAILER_MAGIC || Bytes.getInt(trailer, 4) != (int) crc.getValue()) {
                throw corrupt(file, "checksum mismatch over the entries");
            }
            if (in.read() != -1) {
                throw corrupt(file, "bytes after the trailer");
            }
            if (Bytes.getLong(header, TXN_ID_OFFSET) != txnId) {
                throw corrupt(file, "says transaction " + Bytes.getLong(header, TXN_ID_OFFSET) + ", its name " + txnId);
            }
            return new Snapshot(txnId, Bytes.getLong(header, MAX_SEQ_OFFSET), keys, addresses, sequences, valueLengths);
        }
    }

    private static byte[] readFully(InputStream in, int length, Path file) throws IOException {
        byte[] b = new byte[length];
        readFully(in, b, file);
        return b;
    }

    private static void readFully(InputStream in, byte[] b, Path file) throws IOException {
        int done = 0;
        while (done < b.length) {
            int n = in.read(b, done, b.length - done);
            if (n < 0) {
                throw corrupt(file, "truncated");
            }
            done += n;
        }
    }

    private static DaxKVException.Corrupt corrupt(Path file, String what) {
        return new DaxKVException.Corrupt(file + ": index checkpoint " + what);
    }
}
