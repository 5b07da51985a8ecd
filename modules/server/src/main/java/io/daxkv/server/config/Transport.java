package io.daxkv.server.config;

/** {@code server.transport}: which Netty transport carries the connections. */
public enum Transport {
    /** epoll when its native library loads (Linux), NIO otherwise. */
    AUTO,
    /** Linux epoll; the server fails to start when the native library does not load. */
    EPOLL,
    /** The JDK's NIO selector, on every platform. */
    NIO
}
