package org.ketabridge.validation;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A shape key's bytes as the walk writes them, digested once at the end: one per thread, reused
 * record after record, so the walk builds no strings. The bytes stay in a buffer (not fed to the
 * SHA-256 as they come) so that an element found empty on the way back out can be taken back:
 * HAPI's JSON encoder leaves empty elements out, so they are no part of the shape.
 *
 * <p>A char below 0x80 is one byte; any other is a marker and its two bytes, so two distinct
 * walks never digest alike. For the tests, a digest may echo the walk as text instead.
 */
final class ShapeDigest {

    private static final byte WIDE_CHAR = (byte) 0xFF;

    private final MessageDigest sha256 = sha256();
    private final byte[] hash = new byte[32];
    private final StringBuilder echo;
    private byte[] bytes = new byte[16_384];
    private int length;

    private ShapeDigest(StringBuilder echo) {
        this.echo = echo;
    }

    /** The per-thread kind: bytes only. */
    static ShapeDigest hashing() {
        return new ShapeDigest(null);
    }

    /** A walk's text, for the tests. */
    static ShapeDigest echoing() {
        return new ShapeDigest(new StringBuilder());
    }

    void begin() {
        length = 0;
    }

    ShapeDigest add(char c) {
        if (echo != null) {
            echo.append(c);
            return this;
        }
        room(3);
        put(c);
        return this;
    }

    ShapeDigest add(String text) {
        return add(text, 0, text.length());
    }

    /** The chars of text[from, to). */
    ShapeDigest add(String text, int from, int to) {
        if (echo != null) {
            echo.append(text, from, to);
            return this;
        }
        room(3 * (to - from));
        byte[] into = bytes; // locals, so the loop keeps them in registers
        int at = length;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                into[at++] = (byte) c;
            } else {
                at = put(c, into, at);
            }
        }
        length = at;
        return this;
    }

    /** One char, with room for it already made. */
    private void put(char c) {
        length = put(c, bytes, length);
    }

    /** One char's bytes into {@code into} at {@code at}: where the next goes. */
    private static int put(char c, byte[] into, int at) {
        if (c < 0x80) {
            into[at++] = (byte) c;
        } else {
            into[at++] = WIDE_CHAR;
            into[at++] = (byte) (c >> 8);
            into[at++] = (byte) c;
        }
        return at;
    }

    /** The bytes {@link #add(String)} writes for this text, to be written later with {@link #add(byte[], String)}. */
    static byte[] bytesOf(String text) {
        byte[] into = new byte[3 * text.length()];
        int at = 0;
        for (int i = 0; i < text.length(); i++) {
            at = put(text.charAt(i), into, at);
        }
        return Arrays.copyOf(into, at);
    }

    /** A value that is part of the shape, with its length first: no value can pass for structure. */
    ShapeDigest value(String text) {
        return add(text.length()).add(':').add(text);
    }

    /** A number (a count, a length, a position) in decimal digits, without building a string. */
    ShapeDigest add(int number) {
        if (echo != null) {
            echo.append(number);
            return this;
        }
        long n = number;
        if (n < 0) {
            add('-');
            n = -n;
        }
        return digits(n);
    }

    private ShapeDigest digits(long n) {
        if (n >= 10) {
            digits(n / 10);
        }
        return add((char) ('0' + n % 10));
    }

    /** Raw bytes (a digest of what every key shares, or text's {@link #bytesOf bytes}), echoed as the text they stand for. */
    ShapeDigest add(byte[] raw, String text) {
        if (echo != null) {
            echo.append(text);
            return this;
        }
        room(raw.length);
        System.arraycopy(raw, 0, bytes, length, raw.length);
        length += raw.length;
        return this;
    }

    /** Where the walk is, to come back to with {@link #rollBack(int)}. */
    int mark() {
        return echo != null ? echo.length() : length;
    }

    void rollBack(int mark) {
        if (echo != null) {
            echo.setLength(mark);
        } else {
            length = mark;
        }
    }

    /** The key: Base64 of the SHA-256 of the bytes written since {@link #begin()}. */
    String finish() {
        if (echo != null) {
            return echo.toString();
        }
        sha256.update(bytes, 0, length);
        try {
            sha256.digest(hash, 0, hash.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return Base64.getEncoder().encodeToString(hash);
    }

    private void room(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    static byte[] sha256(byte[] input) {
        return sha256().digest(input);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
