package io.daxkv.protocol;

/** Constants of the wire protocol described in {@code daxkv.proto}. */
public final class Protocol {

    /** The protocol version this build speaks, sent in {@link Hello#getProtocolVersion()}. */
    public static final int VERSION = 1;
    /** The server's default port for the protocol. */
    public static final int DEFAULT_PORT = 7420;
    /** The server's default port for admin HTTP ({@code /metrics}, {@code /health}). */
    public static final int DEFAULT_ADMIN_PORT = 7421;
    /** A frame's length prefix is a varint32: at most five bytes. */
    public static final int MAX_LENGTH_PREFIX_BYTES = 5;
    /** Bytes of protobuf framing a request or response adds around its key and value, at most. */
    public static final int MESSAGE_OVERHEAD_BYTES = 64;
    /**
     * The longest frame a server reads before the hello has succeeded: a hello with a token of
     * up to 64 KiB, and no more, so an unauthenticated peer cannot make it hold a large frame.
     */
    public static final int MAX_PRE_HELLO_FRAME_BYTES = (64 << 10) + 1024;

    private Protocol() {
    }

    /** Bytes the varint32 length prefix of a frame of {@code length} bytes takes. */
    public static int prefixBytes(int length) {
        if ((length & (~0 << 7)) == 0) {
            return 1;
        }
        if ((length & (~0 << 14)) == 0) {
            return 2;
        }
        if ((length & (~0 << 21)) == 0) {
            return 3;
        }
        if ((length & (~0 << 28)) == 0) {
            return 4;
        }
        return 5;
    }
}
