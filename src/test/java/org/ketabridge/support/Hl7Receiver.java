package org.ketabridge.support;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import javax.net.ssl.SSLContext;

/**
 * A test EHR that takes HL7 v2 over MLLP on a real socket, scriptable per message: what it answers
 * to the n-th arrival of a control id ({@link Answer}: AA, AE with an ERR, AR, nothing, AA after a
 * delay, AA once the test releases it, or the connection closed mid-message); over TLS when given
 * a key. Like a real EHR it dedupes on MSH-10: a message it
 * accepted before is answered AA again and not stored twice. It counts how often each control id
 * was stored (more than once would be a duplicate in the EHR: this receiver stores every message it
 * accepts whose control id is new, so a resend under another control id is caught), and keeps the
 * order in which each patient's messages were stored. ACKs are made by HAPI.
 */
public final class Hl7Receiver implements AutoCloseable {

    /**
     * What the receiver does with one arrival. SILENT, LATE and HOLD store the message as AA does (the
     * EHR took it; its ACK is what goes missing): SILENT never answers, LATE answers AA after the
     * delay the receiver was made with, HOLD answers AA once {@link #release()} is called.
     */
    public enum Answer { AA, AE, AR, SILENT, LATE, HOLD, CLOSE }

    /** The user message (ERR-8) of every AE this receiver answers. */
    public static final String AE_TEXT = "Unknown test code in OBX-3";

    private static final byte START = 0x0b;
    private static final byte END = 0x1c;

    private final HapiContext hapi = new DefaultHapiContext();
    private final ServerSocket server;
    private final Duration late;
    private volatile BiFunction<String, Integer, Answer> script = (message, arrival) -> Answer.AA;
    private final Map<String, Integer> arrivals = new ConcurrentHashMap<>();
    private final Map<String, Integer> stored = new ConcurrentHashMap<>();
    private final Map<String, List<String>> storedByPatient = new LinkedHashMap<>();
    private final Map<String, String> messages = new ConcurrentHashMap<>();
    private final List<Socket> connections = new ArrayList<>();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final CountDownLatch released = new CountDownLatch(1);

    /** {@code late}: how long a LATE answer waits (longer than the bridge's ACK timeout). */
    public Hl7Receiver(Duration late) throws IOException {
        this(late, null);
    }

    /** Over TLS with the key and certificate of {@code tls} (a server context), or plain when it is null. */
    public Hl7Receiver(Duration late, SSLContext tls) throws IOException {
        hapi.setValidationContext(ValidationContextFactory.noValidation());
        this.late = late;
        this.server = tls == null ? new ServerSocket(0) : tls.getServerSocketFactory().createServerSocket(0);
        Thread acceptor = new Thread(this::acceptConnections, "hl7-receiver");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The answer to a message (its ER7 text, segments ended by CR) arriving for the n-th time (1 = first) under its control id. */
    public void script(BiFunction<String, Integer, Answer> script) {
        this.script = script;
    }

    /** Every HOLD answer, held or to come, is answered AA from now on. */
    public void release() {
        released.countDown();
    }

    /** How many times the message of this control id was stored (0 or 1 for an EHR that dedupes). */
    public int storedCount(String controlId) {
        return stored.getOrDefault(controlId, 0);
    }

    public Map<String, Integer> stored() {
        return Map.copyOf(stored);
    }

    public int arrivals(String controlId) {
        return arrivals.getOrDefault(controlId, 0);
    }

    /** Arrivals of every control id, first sends and resends. */
    public int arrivals() {
        return arrivals.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Control ids of a patient's stored messages, in the order they were stored. */
    public synchronized List<String> storedFor(String mrn) {
        return List.copyOf(storedByPatient.getOrDefault(mrn, List.of()));
    }

    /** How many connections the receiver accepted. */
    public int connections() {
        synchronized (connections) {
            return connections.size();
        }
    }

    /** How many bytes arrived on all connections, framing included. */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    public String message(String controlId) {
        return messages.get(controlId);
    }

    private void acceptConnections() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                synchronized (connections) {
                    connections.add(socket);
                }
                Thread t = new Thread(() -> serve(socket), "hl7-receiver-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream()); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String text = readFrame(in);
                if (text == null) {
                    return;
                }
                Message message = hapi.getPipeParser().parse(text);
                Terser terser = new Terser(message);
                String controlId = terser.get("/MSH-10");
                int n = arrivals.merge(controlId, 1, Integer::sum);
                Answer answer = script.apply(text, n);
                if (answer == Answer.CLOSE) {
                    return;
                }
                if (answer == Answer.AA || answer == Answer.SILENT || answer == Answer.LATE || answer == Answer.HOLD) {
                    store(controlId, mrn(text), text);
                }
                if (answer == Answer.HOLD) {
                    released.await();
                }
                if (answer == Answer.SILENT) {
                    continue;
                }
                if (answer == Answer.LATE) {
                    Thread.sleep(late.toMillis());
                }
                Message ack = switch (answer) {
                    case AE -> message.generateACK(AcknowledgmentCode.AE, new HL7Exception(AE_TEXT));
                    case AR -> message.generateACK(AcknowledgmentCode.AR, new HL7Exception("System busy"));
                    default -> message.generateACK();
                };
                if (answer == Answer.AE) {
                    // HAPI writes only the error's code (ERR-3); the words for clinic IT go in ERR-8, as EHRs write them.
                    new Terser(ack).set("/ERR(0)-8", AE_TEXT);
                }
                byte[] bytes = hapi.getPipeParser().encode(ack).getBytes(StandardCharsets.UTF_8);
                out.write(START);
                out.write(bytes);
                out.write(END);
                out.write('\r');
                out.flush();
            }
        } catch (Exception e) {
            // The bridge closed or reset the connection (an ACK timeout): it reconnects for the next message.
        }
    }

    /** Stores a message whose control id is new; a repeat of one stored before is dropped, as an EHR does. */
    private synchronized void store(String controlId, String mrn, String text) {
        if (stored.containsKey(controlId)) {
            return;
        }
        stored.merge(controlId, 1, Integer::sum);
        messages.put(controlId, text);
        storedByPatient.computeIfAbsent(mrn, k -> new ArrayList<>()).add(controlId);
    }

    private static String mrn(String text) {
        for (String segment : text.split("\r")) {
            if (segment.startsWith("PID|")) {
                return segment.split("\\|", -1)[3].split("\\^")[0];
            }
        }
        return "";
    }

    private String readFrame(InputStream in) throws IOException {
        int b;
        while ((b = read(in)) != START) {
            if (b == -1) {
                return null;
            }
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        while ((b = read(in)) != END) {
            if (b == -1) {
                return null;
            }
            frame.write(b);
        }
        read(in); // the CR after the end byte
        return frame.toString(StandardCharsets.UTF_8);
    }

    private int read(InputStream in) throws IOException {
        int b = in.read();
        if (b != -1) {
            bytesReceived.incrementAndGet();
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        released.countDown();
        server.close();
        synchronized (connections) {
            for (Socket s : connections) {
                s.close();
            }
        }
    }
}
