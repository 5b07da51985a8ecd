package io.daxkv.protocol;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * The byte stream cannot be read as frames any further: the receiver answers with an error and
 * closes the connection, since it cannot find where the next frame starts.
 */
public abstract sealed class FrameException extends CorruptedFrameException
        permits FrameException.TooLarge, FrameException.BadLengthPrefix {

    private static final long serialVersionUID = 1L;

    FrameException(String message) {
        super(message);
    }

    /** A frame declared longer than the receiver's limit; nothing of it was allocated. */
    public static final class TooLarge extends FrameException {
        private static final long serialVersionUID = 1L;
        private final long declaredBytes;
        private final int maxBytes;

        public TooLarge(long declaredBytes, int maxBytes) {
            super("frame of " + declaredBytes + " bytes exceeds the limit of " + maxBytes + " bytes");
            this.declaredBytes = declaredBytes;
            this.maxBytes = maxBytes;
        }

        public long declaredBytes() {
            return declaredBytes;
        }

        public int maxBytes() {
            return maxBytes;
        }
    }

    /** A length prefix that is not a varint32 (a sixth byte, or bits beyond 32). */
    public static final class BadLengthPrefix extends FrameException {
        private static final long serialVersionUID = 1L;

        public BadLengthPrefix(String message) {
            super(message);
        }
    }
}
