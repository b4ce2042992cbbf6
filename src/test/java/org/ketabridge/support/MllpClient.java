package org.ketabridge.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small MLLP client for tests: frames a message (VT ... FS CR), sends it, reads the framed
 * answer; sends raw bytes (garbage, a cut frame); tells whether the bridge closed the connection.
 * Plain TCP, or TLS ({@link #tls}).
 */
public final class MllpClient implements AutoCloseable {

    private static final int START = 0x0B;
    private static final int END = 0x1C;
    private static final int CR = 0x0D;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public MllpClient(int port) throws IOException {
        this(new Socket("localhost", port));
    }

    /** Over TLS: the handshake done (with the certificates {@code tls} trusts and presents) before anything is sent. */
    public static MllpClient tls(int port, SSLContext tls) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port);
        socket.startHandshake();
        return new MllpClient(socket);
    }

    private MllpClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** One message sent and its ACK read (segments joined by CR, without framing). */
    public String send(String message) throws IOException {
        sendRaw(frame(message));
        return readAck();
    }

    public static byte[] frame(String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[body.length + 3];
        framed[0] = START;
        System.arraycopy(body, 0, framed, 1, body.length);
        framed[body.length + 1] = END;
        framed[body.length + 2] = CR;
        return framed;
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public String readAck() throws IOException {
        int b;
        while ((b = in.read()) != START) {
            if (b < 0) {
                throw new IOException("connection closed before an answer");
            }
        }
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        while ((b = in.read()) != END) {
            if (b < 0) {
                throw new IOException("connection closed in the middle of an answer");
            }
            ack.write(b);
        }
        in.read(); // the CR after FS
        return ack.toString(StandardCharsets.UTF_8);
    }

    /**
     * True once the bridge has closed (or reset) the connection without an MLLP answer: what it
     * sent before closing, if anything (a TLS alert to a client that spoke plain TCP), held no
     * frame. False on an answer, or when the connection is still open after {@code waitMillis}
     * (a bound for the test, not a timing claim).
     */
    public boolean closedWithoutAnswer(int waitMillis) throws IOException {
        socket.setSoTimeout(waitMillis);
        try {
            int b;
            while ((b = in.read()) >= 0) {
                if (b == START) {
                    return false;
                }
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** The ACK's MSA-1 (AA, AE, AR). */
    public static String code(String ack) {
        return segment(ack, "MSA").split("\\|")[1];
    }

    public static String segment(String ack, String name) {
        for (String segment : ack.split("\r")) {
            if (segment.startsWith(name + "|")) {
                return segment;
            }
        }
        return "";
    }

    /** The receipt id in MSA-3 ("receipt <id>: ..."). */
    public static String receiptId(String ack) {
        String text = segment(ack, "MSA").split("\\|")[3];
        return text.substring("receipt ".length(), text.indexOf(':'));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
