package org.ketabridge.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of the store's ingest, read back as where the writing thread's samples are:
 * the share of samples under each part of HAPI's write (inclusive: a sample in H2 under index
 * writing counts for both), and the methods most often on top of the stack.
 */
final class StoreIngestProfile {

    /** Parts of a store write, each named by a frame that marks it (the first match of the prefix, anywhere in the stack). */
    private static final Map<String, String> PARTS = new LinkedHashMap<>();

    static {
        PARTS.put("HAPI transaction, whole", "ca.uhn.fhir.jpa.dao.BaseTransactionProcessor.transaction");
        PARTS.put("search parameter extraction", "ca.uhn.fhir.jpa.searchparam.extractor.SearchParamExtractorService.extractFromResource");
        PARTS.put("index rows synchronized (diff and write)", "ca.uhn.fhir.jpa.dao.index.DaoSearchParamSynchronizer.synchronize");
        PARTS.put("reference index (HFJ_RES_LINK) resolution", "ca.uhn.fhir.jpa.dao.index.SearchParamWithInlineReferencesExtractor");
        PARTS.put("resource encoding (JSON)", "ca.uhn.fhir.parser.");
        PARTS.put("Hibernate flush", "org.hibernate.event.internal.AbstractFlushingEventListener");
        PARTS.put("H2 (any)", "org.h2.");
        PARTS.put("the bridge's late-reference look (ReferenceIndex, LateReferences)", "org.ketabridge.auditor.server.ReferenceIndex");
        PARTS.put("the bridge's late-reference table", "org.ketabridge.db.LateReferences");
    }

    private final Recording recording;

    private StoreIngestProfile(Recording recording) {
        this.recording = recording;
    }

    static StoreIngestProfile start() throws Exception {
        Recording r = new Recording(Configuration.getConfiguration("profile"));
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        r.start();
        return new StoreIngestProfile(r);
    }

    void stopAndReport(Path file, String threadName) throws Exception {
        recording.stop();
        recording.dump(file);
        recording.close();
        int samples = 0;
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> top = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!"jdk.ExecutionSample".equals(e.getEventType().getName()) || e.getStackTrace() == null
                    || e.getThread("sampledThread") == null || !threadName.equals(e.getThread("sampledThread").getJavaName())) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (!frames.isEmpty()) {
                top.merge(name(frames.get(0)), 1, Integer::sum);
            }
            for (var part : PARTS.entrySet()) {
                if (frames.stream().anyMatch(f -> name(f).startsWith(part.getValue()))) {
                    inclusive.merge(part.getKey(), 1, Integer::sum);
                }
            }
        }
        System.out.printf("  profile (JFR, %d samples of the writing thread, %s):%n", samples, file);
        for (String part : PARTS.keySet()) {
            System.out.printf("    %5.1f %%  %s%n", 100.0 * inclusive.getOrDefault(part, 0) / Math.max(1, samples), part);
        }
        System.out.println("  most sampled methods (top of stack):");
        int total = samples;
        top.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(12)
                .forEach(t -> System.out.printf("    %5.1f %%  %s%n", 100.0 * t.getValue() / Math.max(1, total), t.getKey()));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
