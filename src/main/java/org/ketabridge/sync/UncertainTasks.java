package org.ketabridge.sync;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ketabridge.db.EhrResources;
import org.ketabridge.db.SyncQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;

/**
 * Settles an uncertain task (issue 13): the answer to a create of its record was lost and the EHR
 * cannot be searched to tell whether it holds it, so the bridge asked clinic IT. They look in the
 * EHR and answer: it is there, as {@code Type/id} (the bridge adopts that id and sends the record's
 * later changes to it, nothing created), or it is not (the bridge creates it). Either way the task
 * is due again at once, with a fresh retry budget; the intent log and the task change in one
 * transaction.
 */
@Component
public class UncertainTasks {

    private static final Logger log = LoggerFactory.getLogger(UncertainTasks.class);

    private final SyncQueue queue;
    private final EhrResources intents;
    private final Clock clock;

    public UncertainTasks(SyncQueue queue, EhrResources intents, Clock clock) {
        this.queue = queue;
        this.intents = intents;
        this.clock = clock;
    }

    /** What clinic IT found in the EHR. */
    public sealed interface Finding {
        /** The EHR holds the resource as {@code resourceType/id}. */
        record InEhr(String resourceType, String id) implements Finding {

            /** {@code Type/id}: a FHIR resource type name and a FHIR id, as the EHR names the resource. */
            private static final Pattern REFERENCE = Pattern.compile("([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})");

            /** The resource a reference clinic IT copied from the EHR names ({@code Observation/123}); empty when it is none. */
            public static Optional<InEhr> of(String reference) {
                Matcher m = REFERENCE.matcher(reference);
                return m.matches() ? Optional.of(new InEhr(m.group(1), m.group(2))) : Optional.empty();
            }

            /** Why {@code text} names no resource, in words for clinic IT (the API and the console say the same). */
            public static String notAReference(String text) {
                return "'" + text + "' is not a reference Type/id as the EHR names the resource (e.g. Observation/123)";
            }
        }

        /** The EHR holds none of it. */
        record NotInEhr() implements Finding {
        }
    }

    /** What settling did. */
    public sealed interface Settled {
        /** Due again; {@code adopted}: the EHR id recorded for the resource, or none. */
        record Due(long taskId, String adopted) implements Settled {
        }

        /** No uncertain task of the clinic by that id (never, or settled already). */
        record NotUncertain(long taskId) implements Settled {
        }

        /** The finding names a resource type the task is not uncertain about. */
        record WrongType(long taskId, String named, List<String> uncertainTypes) implements Settled {

            /** In words for clinic IT: what the task is uncertain about instead. */
            public String why() {
                return "Task " + taskId + " is uncertain about its " + String.join(", ", uncertainTypes) + ", not a " + named
                        + ": name the " + String.join(" or ", uncertainTypes) + " the EHR holds";
            }
        }
    }

    @Transactional
    public Settled settle(String clinicId, long taskId, Finding finding) {
        if (queue.uncertain(clinicId, taskId).isEmpty()) {
            return new Settled.NotUncertain(taskId);
        }
        Instant now = clock.instant();
        List<EhrResources.Key> unsettled = intents.unsettled(clinicId, taskId);
        String adopted = null;
        String done;
        if (unsettled.isEmpty()) {
            // Its question went to a task that met the same create since (EhrResources.askedBy), or was answered
            // there: nothing to adopt or forget here. The task goes again and meets what the intent log says now.
            done = "nothing of it left unsettled, due again";
        } else if (finding instanceof Finding.InEhr inEhr) {
            List<EhrResources.Key> ofType = unsettled.stream().filter(k -> k.resourceType().equals(inEhr.resourceType())).toList();
            if (ofType.size() != 1) {
                return new Settled.WrongType(taskId, inEhr.resourceType(),
                        unsettled.stream().map(EhrResources.Key::resourceType).distinct().toList());
            }
            intents.adopt(ofType.get(0), inEhr.id(), now);
            adopted = inEhr.resourceType() + "/" + inEhr.id();
            done = "in the EHR, its " + inEhr.resourceType() + " adopted";
        } else {
            intents.forgetUnsettled(clinicId, taskId);
            done = "not in the EHR, created again";
        }
        if (!queue.settleUncertain(clinicId, taskId, now)) {
            // Settled by someone else between the look and the update: nothing of this is kept.
            TransactionAspectSupport.currentTransactionStatus().setRollbackOnly();
            return new Settled.NotUncertain(taskId);
        }
        log.info("Uncertain task {} of clinic {} settled by clinic IT: {}", taskId, clinicId, done);
        return new Settled.Due(taskId, adopted);
    }
}
