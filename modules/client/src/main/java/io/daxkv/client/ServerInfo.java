package io.daxkv.client;

/**
 * What a server said about itself in its answer to the Hello. The client checks keys, values
 * and request frames against these limits before sending; a limit of 0 means the server did
 * not state one, and the client then leaves the check to the server. (The wire carries them as
 * unsigned 32-bit numbers, hence {@code long}.)
 *
 * @param address         {@code host:port} the client connected to
 * @param protocolVersion the protocol version the server speaks on this connection
 * @param serverVersion   the server's own version string
 * @param maxFrameBytes   largest request frame the server accepts (0: not stated)
 * @param maxKeyBytes     largest key (0: not stated)
 * @param maxValueBytes   largest value (0: not stated)
 * @param maxScanLimit    most entries one scan request returns (0: not stated)
 */
public record ServerInfo(String address, int protocolVersion, String serverVersion, long maxFrameBytes,
        long maxKeyBytes, long maxValueBytes, long maxScanLimit) {
}
