package io.daxkv.server.resp;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * The bytes are not RESP2, or a declared length or count is over a limit: the connection gets
 * "-ERR Protocol error: ..." and is closed, since the stream cannot be resynchronised (as Redis does).
 */
public final class RespProtocolException extends CorruptedFrameException {
    private static final long serialVersionUID = 1L;

    public RespProtocolException(String message) {
        super(message);
    }
}
