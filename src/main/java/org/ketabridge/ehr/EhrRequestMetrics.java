package org.ketabridge.ehr;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/**
 * Every request to a clinic's EHR as {@code ketabridge_ehr_requests_seconds{clinic, status_class}}
 * (issue 17): a histogram of how long the EHR took, whose {@code _count} is the answers by status
 * class: {@code 2xx} ... {@code 5xx} from a FHIR EHR, the ACK code ({@code AA}, {@code AE},
 * {@code AR}, ..., {@code not-ack}) from an HL7 v2 EHR, {@code none} when no answer came. One
 * metric for both kinds, so that a dashboard of a clinic group's EHRs needs one query. Also
 * remembers each clinic's last answer, for health ({@code ehrs}: unreachable).
 */
@Component
public class EhrRequestMetrics implements EhrRequestObserver {

    static final String NO_ANSWER = "none";
    // Buckets around what EHRs answer in (tens of ms to the request timeouts of seconds).
    private static final Duration[] BUCKETS = {Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    /** The status class of a clinic's last request ({@code none}: no answer), and when it ended. */
    public record LastAnswer(String statusClass, Instant at) {
        public boolean answered() {
            return !NO_ANSWER.equals(statusClass);
        }
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final ConcurrentMap<String, LastAnswer> last = new ConcurrentHashMap<>();

    public EhrRequestMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public void answered(String clinicId, int status, Duration took) {
        record(clinicId, (status / 100) + "xx", took);
    }

    @Override
    public void acknowledged(String clinicId, String ackCode, Duration took) {
        record(clinicId, ackCode, took);
    }

    @Override
    public void unanswered(String clinicId, Duration took) {
        record(clinicId, NO_ANSWER, took);
    }

    public Optional<LastAnswer> lastAnswer(String clinicId) {
        return Optional.ofNullable(last.get(clinicId));
    }

    private void record(String clinicId, String statusClass, Duration took) {
        Timer.builder("ketabridge.ehr.requests")
                .description("Requests to the clinic's EHR: time to the answer, by the answer's status class"
                        + " (HTTP 2xx..5xx, or an HL7 v2 ACK code; none: no answer)")
                .tags("clinic", clinicId, "status_class", statusClass)
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(took);
        last.put(clinicId, new LastAnswer(statusClass, clock.instant()));
    }
}
