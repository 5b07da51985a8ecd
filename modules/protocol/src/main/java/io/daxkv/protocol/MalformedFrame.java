package io.daxkv.protocol;

/**
 * A frame whose length was fine but whose bytes did not parse as the expected message. The
 * stream stays in step (the next frame starts where the length said), so the receiver answers
 * with an error and keeps the connection.
 *
 * @param frameBytes the frame's length
 * @param reason     what the parser said
 */
public record MalformedFrame(int frameBytes, String reason) {
}
