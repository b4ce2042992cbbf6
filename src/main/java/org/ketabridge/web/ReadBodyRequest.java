package org.ketabridge.web;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A request whose body a filter has already read from the socket: the same bytes again, for
 * whoever reads it next (the intake's routes, HAPI).
 */
public class ReadBodyRequest extends HttpServletRequestWrapper {

    private final byte[] body;

    public ReadBodyRequest(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream bytes = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override public int read() { return bytes.read(); }
            @Override public int read(byte[] b, int off, int len) { return bytes.read(b, off, len); }
            @Override public boolean isFinished() { return bytes.available() == 0; }
            @Override public boolean isReady() { return true; }
            @Override public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("the body is already read");
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        Charset charset = StandardCharsets.UTF_8;
        try {
            if (getCharacterEncoding() != null) {
                charset = Charset.forName(getCharacterEncoding());
            }
        } catch (IllegalArgumentException unknownCharset) {
            // Whoever needs the exact text reads the bytes, not this reader: any decoding will do here.
        }
        return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }
}
