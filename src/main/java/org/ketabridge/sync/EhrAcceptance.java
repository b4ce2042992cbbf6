package org.ketabridge.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ketabridge.ehr.fhir.EhrPlans;
import org.ketabridge.ehr.fhir.WritePlan;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

/**
 * What a clinic's EHR does not accept at all (issue 13): the resource types its write plan says
 * {@code none} for, from {@code ehr.resources} or its CapabilityStatement. The sync asks before a
 * record waits for, or is sent to, the EHR: a record of such a type is not sent, and what refers
 * to one does not wait for it.
 */
@Component
public class EhrAcceptance {

    private final EhrPlans plans;

    public EhrAcceptance(EhrPlans plans) {
        this.plans = plans;
    }

    /**
     * Why the clinic's EHR takes no resource of this type ({@code this EHR does not accept
     * MedicationAdministration (plan: none, from configuration)}), or empty when it takes it. Reads
     * the EHR's statement first when the plan says it is due, as a write would.
     */
    public Optional<String> refusal(String clinicId, String resourceType) {
        if (plans.of(clinicId).isEmpty()) {
            // An HL7 v2 EHR (issue 14) has no write plan: it takes every record kind the contract has, each as
            // its message; the REMS form the bridge derives has none.
            return RecordKind.REMS_FORM.resourceType().equals(resourceType)
                    ? Optional.of("an HL7 v2 EHR takes no " + resourceType + ": the REMS form is not sent over HL7 v2")
                    : Optional.empty();
        }
        return plans.forWriting(clinicId).notAccepted(resourceType);
    }

    /**
     * What a waiting task of the clinic may wait for in vain, as {@code sync_task.waiting_for}
     * names it: the record kinds whose main resource the EHR does not accept ({@code ENCOUNTER}),
     * and the shared resource types it does not accept ({@code EpisodeOfCare}). From the plan as it
     * stands (no request to the EHR): the queue's sweep wakes such tasks at every poll.
     */
    public List<String> neverComing(String clinicId) {
        Optional<WritePlan> plan = plans.of(clinicId);
        if (plan.isEmpty()) {
            return List.of();
        }
        List<String> kinds = new ArrayList<>();
        plan.get().byType().forEach((type, p) -> {
            if (plan.get().notAccepted(type).isPresent()) {
                kinds.add(type);
                for (RecordKind kind : RecordKind.values()) {
                    if (kind.resourceType().equals(type)) {
                        kinds.add(kind.name());
                    }
                }
            }
        });
        return kinds;
    }
}
