package org.ketabridge.console;

import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The replays a console user started, kept in their session so that the progress page can follow
 * exactly the tasks a replay put back in the queue (a replay of all may be thousands: an id in the
 * URL, the list here). The last {@value #KEPT} only.
 */
@Component
class ReplayBatches {

    static final int KEPT = 20;
    private static final String ATTRIBUTE = ReplayBatches.class.getName();

    /** {@code skipped}: why each superseded dead letter stayed dead. */
    record Batch(String clinicId, List<Long> taskIds, List<String> skipped) implements Serializable {
    }

    String add(HttpSession session, Batch batch) {
        String id = UUID.randomUUID().toString().substring(0, 13);
        synchronized (session) {
            Map<String, Batch> batches = batches(session);
            batches.put(id, batch);
            while (batches.size() > KEPT) {
                batches.remove(batches.keySet().iterator().next());
            }
            session.setAttribute(ATTRIBUTE, batches);
        }
        return id;
    }

    /** The batch of that id, if this session started it for that clinic. */
    Optional<Batch> find(HttpSession session, String clinicId, String batchId) {
        synchronized (session) {
            return Optional.ofNullable(batches(session).get(batchId)).filter(b -> b.clinicId().equals(clinicId));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Batch> batches(HttpSession session) {
        Object kept = session.getAttribute(ATTRIBUTE);
        return kept == null ? new LinkedHashMap<>() : (Map<String, Batch>) kept;
    }
}
