package io.daxkv.server.resp;

import io.daxkv.Cursor;
import io.daxkv.DaxKV;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SCAN for one connection: the cursors it has handed out (numbers, each standing for the key the
 * next page starts at), at most {@link RespContext#MAX_CURSORS}, the oldest dropped first.
 */
final class RespScan {

    private final DaxKV kv;
    private final RespContext context;
    private final Map<Long, byte[]> cursors = new HashMap<>();
    private long nextCursor = 1;

    RespScan(DaxKV kv, RespContext context) {
        this.kv = kv;
        this.context = context;
    }

    /** SCAN cursor [MATCH pattern] [COUNT n] [TYPE string]: cursors are numbers kept per connection. */
    ByteBuf scan(RespCommand c, ByteBufAllocator alloc) {
        long cursor;
        try {
            cursor = Long.parseUnsignedLong(c.argString(1));
        } catch (NumberFormatException e) {
            throw new RespHandler.RespError("ERR invalid cursor");
        }
        byte[] pattern = null;
        int count = 10;
        for (int i = 2; i < c.argc(); i++) {
            String opt = c.argString(i).toUpperCase();
            if (i + 1 >= c.argc()) {
                throw new RespHandler.RespError("ERR syntax error");
            }
            switch (opt) {
                case "MATCH" -> pattern = c.arg(++i);
                case "COUNT" -> {
                    try {
                        count = Integer.parseInt(c.argString(++i));
                    } catch (NumberFormatException e) {
                        throw new RespHandler.RespError("ERR value is not an integer or out of range");
                    }
                    if (count < 1) {
                        throw new RespHandler.RespError("ERR syntax error");
                    }
                }
                case "TYPE" -> {
                    if (!"string".equalsIgnoreCase(c.argString(++i))) {
                        pattern = new byte[] {0}; // only strings exist here; any other type matches nothing
                        count = Integer.MAX_VALUE;
                    }
                }
                default -> throw new RespHandler.RespError("ERR syntax error");
            }
        }
        byte[] from;
        if (cursor == 0) {
            from = new byte[0];
        } else {
            from = cursors.remove(cursor);
            if (from == null) {
                return reply(alloc, 0, List.of()); // an unknown or used cursor: the iteration is over, as Redis answers
            }
        }
        count = Math.min(count, context.maxScanEntries());
        List<byte[]> keys = new ArrayList<>();
        byte[] next = null;
        int looked = 0;
        try (Cursor it = kv.scan(from, null)) {
            while (it.hasNext()) {
                byte[] k = it.next().key();
                if (looked == count) {
                    next = k;
                    break;
                }
                looked++;
                if (pattern == null || Glob.matches(pattern, k)) {
                    keys.add(k);
                }
            }
        }
        long nextId = 0;
        if (next != null) {
            if (cursors.size() >= RespContext.MAX_CURSORS) {
                cursors.remove(cursors.keySet().iterator().next());
            }
            nextId = nextCursor++;
            cursors.put(nextId, next);
        }
        return reply(alloc, nextId, keys);
    }

    private static ByteBuf reply(ByteBufAllocator alloc, long cursor, List<byte[]> keys) {
        byte[] c = Long.toUnsignedString(cursor).getBytes(StandardCharsets.US_ASCII);
        int size = 32;
        for (byte[] k : keys) {
            size += k.length + 16;
        }
        ByteBuf b = alloc.ioBuffer(size);
        Resp.arrayHeader(b, 2);
        Resp.writeBulk(b, c);
        Resp.arrayHeader(b, keys.size());
        for (byte[] k : keys) {
            Resp.writeBulk(b, k);
        }
        return b;
    }
}
