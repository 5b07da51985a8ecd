package io.daxkv.server;

import io.daxkv.protocol.FrameEncoder;
import io.daxkv.protocol.Hello;
import io.daxkv.protocol.Protocol;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import com.google.protobuf.CodedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A plain blocking socket speaking the wire protocol byte by byte, for tests that need to send
 * exactly the bytes they mean (split frames, bad prefixes, garbage) and see what comes back.
 */
final class WireClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    WireClient(InetSocketAddress address) throws IOException {
        this(plain(address));
    }

    /** Over an already connected socket (a TLS one, say). */
    WireClient(Socket connected) throws IOException {
        socket = connected;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    private static Socket plain(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, 5_000);
        return s;
    }

    static WireClient connected(InetSocketAddress address) throws IOException {
        return connected(address, "");
    }

    static WireClient connected(InetSocketAddress address, String token) throws IOException {
        return hello(new WireClient(address), token);
    }

    static WireClient hello(WireClient c, String token) throws IOException {
        Response r = c.call(Request.newBuilder().setId(1)
                .setHello(Hello.newBuilder().setProtocolVersion(Protocol.VERSION).setAuthToken(token)).build());
        if (r.getStatus() != io.daxkv.protocol.Status.OK) {
            throw new IOException("hello failed: " + r);
        }
        return c;
    }

    Socket socket() {
        return socket;
    }

    void send(Request r) throws IOException {
        sendRaw(FrameEncoder.toBytes(r));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    Response call(Request r) throws IOException {
        send(r);
        return read();
    }

    /** The next response; throws EOFException when the server closed the connection. */
    Response read() throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("connection closed by the server");
        }
        int length = CodedInputStream.readRawVarint32(first, in);
        byte[] body = new byte[length];
        in.readFully(body);
        return Response.parseFrom(body);
    }

    /** True when the server closes the connection (after any responses, which are skipped). */
    boolean closedByServer() throws IOException {
        try {
            InputStream raw = socket.getInputStream();
            byte[] buf = new byte[4096];
            while (true) {
                if (raw.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
