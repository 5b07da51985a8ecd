package io.daxkv.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.daxkv.protocol.Batch;
import io.daxkv.protocol.BatchOp;
import io.daxkv.protocol.Delete;
import io.daxkv.protocol.Durability;
import io.daxkv.protocol.Get;
import io.daxkv.protocol.Ping;
import io.daxkv.protocol.Put;
import io.daxkv.protocol.PutIfAbsent;
import io.daxkv.protocol.Replace;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.daxkv.protocol.Scan;
import io.daxkv.protocol.StatsRequest;
import io.daxkv.protocol.Status;
import io.daxkv.protocol.Sync;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every operation over a real socket, byte for byte as the protocol says. */
class WireProtocolTest {

    @TempDir
    Path tmp;

    static ByteString bs(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    static Request put(long id, String k, String v) {
        return Request.newBuilder().setId(id).setPut(Put.newBuilder().setKey(bs(k)).setValue(bs(v))).build();
    }

    static Request get(long id, String k) {
        return Request.newBuilder().setId(id).setGet(Get.newBuilder().setKey(bs(k))).build();
    }

    @Test
    void everyOperation() throws Exception {
        try (TestServer ts = new TestServer(tmp.resolve("s")); WireClient c = WireClient.connected(ts.address())) {
            Response r = c.call(put(2, "a", "1"));
            assertEquals(Status.OK, r.getStatus(), r.toString());
            assertEquals(2, r.getId());
            assertTrue(r.hasPut());

            r = c.call(get(3, "a"));
            assertTrue(r.getGet().getFound());
            assertEquals(bs("1"), r.getGet().getValue());
            r = c.call(get(4, "missing"));
            assertFalse(r.getGet().getFound());
            assertEquals(Status.OK, r.getStatus());

            r = c.call(Request.newBuilder().setId(5).setDurability(Durability.DURABILITY_SYNC)
                    .setPutIfAbsent(PutIfAbsent.newBuilder().setKey(bs("a")).setValue(bs("2"))).build());
            assertFalse(r.getPutIfAbsent().getApplied());
            r = c.call(Request.newBuilder().setId(6).setPutIfAbsent(PutIfAbsent.newBuilder().setKey(bs("b")).setValue(bs("2"))).build());
            assertTrue(r.getPutIfAbsent().getApplied());
            r = c.call(Request.newBuilder().setId(7).setReplace(Replace.newBuilder().setKey(bs("c")).setValue(bs("3"))).build());
            assertFalse(r.getReplace().getApplied());
            r = c.call(Request.newBuilder().setId(8).setDurability(Durability.DURABILITY_SYNC)
                    .setReplace(Replace.newBuilder().setKey(bs("b")).setValue(bs("22"))).build());
            assertTrue(r.getReplace().getApplied());
            assertArrayEquals("22".getBytes(StandardCharsets.UTF_8), ts.kv.get("b".getBytes(StandardCharsets.UTF_8)));

            r = c.call(Request.newBuilder().setId(9).setDurability(Durability.DURABILITY_SYNC).setBatch(Batch.newBuilder()
                    .addOps(BatchOp.newBuilder().setPut(Put.newBuilder().setKey(bs("c")).setValue(bs("3"))))
                    .addOps(BatchOp.newBuilder().setPut(Put.newBuilder().setKey(bs("d")).setValue(bs("4"))))
                    .addOps(BatchOp.newBuilder().setDelete(Delete.newBuilder().setKey(bs("a"))))).build());
            assertEquals(Status.OK, r.getStatus(), r.toString());
            assertEquals(3, r.getBatch().getApplied());

            r = c.call(Request.newBuilder().setId(10).setScan(Scan.newBuilder()).build());
            assertEquals(3, r.getScan().getEntriesCount());
            assertEquals(bs("b"), r.getScan().getEntries(0).getKey());
            assertEquals(bs("22"), r.getScan().getEntries(0).getValue());
            assertFalse(r.getScan().getMore());
            r = c.call(Request.newBuilder().setId(11).setScan(Scan.newBuilder().setStartKey(bs("c")).setEndKey(bs("d"))).build());
            assertEquals(1, r.getScan().getEntriesCount());
            assertEquals(bs("c"), r.getScan().getEntries(0).getKey());
            r = c.call(Request.newBuilder().setId(12).setScan(Scan.newBuilder().setLimit(2).setKeysOnly(true)).build());
            assertEquals(2, r.getScan().getEntriesCount());
            assertTrue(r.getScan().getMore());
            assertTrue(r.getScan().getEntries(1).getValue().isEmpty());

            r = c.call(Request.newBuilder().setId(13).setDelete(Delete.newBuilder().setKey(bs("c"))).build());
            assertTrue(r.getDelete().getExisted());
            r = c.call(Request.newBuilder().setId(14).setDurability(Durability.DURABILITY_SYNC)
                    .setDelete(Delete.newBuilder().setKey(bs("c"))).build());
            assertFalse(r.getDelete().getExisted());

            long commits = ts.kv.stats().journalCommits();
            r = c.call(Request.newBuilder().setId(15).setSync(Sync.getDefaultInstance()).build());
            assertTrue(r.hasSync());
            assertTrue(ts.kv.stats().journalCommits() >= commits);

            r = c.call(Request.newBuilder().setId(16).setPing(Ping.newBuilder().setPayload(bs("echo"))).build());
            assertEquals(bs("echo"), r.getPing().getPayload());

            r = c.call(Request.newBuilder().setId(17).setStats(StatsRequest.getDefaultInstance()).build());
            assertEquals(2L, r.getStats().getCountersOrThrow("store_keys"));
            assertEquals(1L, r.getStats().getCountersOrThrow("connections_open"));
        }
    }

    @Test
    void pipelinedRequestsAreAllAnsweredById() throws Exception {
        try (TestServer ts = new TestServer(tmp.resolve("s")); WireClient c = WireClient.connected(ts.address())) {
            int n = 500;
            java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < n; i++) {
                Request.Builder b = put(100 + i, "k" + i, "v" + i).toBuilder();
                if (i % 3 == 0) {
                    b.setDurability(Durability.DURABILITY_SYNC);
                }
                burst.writeBytes(io.daxkv.protocol.FrameEncoder.toBytes(b.build()));
            }
            c.sendRaw(burst.toByteArray());
            java.util.BitSet seen = new java.util.BitSet();
            for (int i = 0; i < n; i++) {
                Response r = c.read();
                assertEquals(Status.OK, r.getStatus(), r.toString());
                seen.set((int) r.getId() - 100);
            }
            assertEquals(n, seen.cardinality());
            for (int i = 0; i < n; i += 97) {
                assertEquals(bs("v" + i), c.call(get(1, "k" + i)).getGet().getValue());
            }
        }
    }
}
