package org.ketabridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.time.Clock;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.EhrResourceTypes;
import org.ketabridge.config.WriteMode;
import org.ketabridge.ehr.EhrCheckReport;
import org.ketabridge.ehr.auth.EhrTokens;
import org.ketabridge.ehr.fhir.EhrConnectionCheck;
import org.ketabridge.ehr.fhir.EhrPlans;
import org.ketabridge.support.TestClinics;

/**
 * The connection check against a real HAPI FHIR JPA server (the demo EHR, {@link SharedEhr}):
 * ok, today's transactions for every type the bridge writes, the plan the sync uses refreshed,
 * and the EHR's history shows that nothing was written.
 */
class HapiEhrCheckTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void aRealHapiServerIsOkWithTransactionsAndTheCheckWritesNothing() {
        String base = SharedEhr.INSTANCE.baseUrl();
        ClinicRegistry clinics = TestClinics.registry(Map.of(
                "bridge.clinics[0].id", "hapi-check",
                "bridge.clinics[0].time-zone", "UTC",
                "bridge.clinics[0].ehr.type", "fhir",
                "bridge.clinics[0].ehr.base-url", base,
                "bridge.clinics[0].ehr.write-mode", "auto"));
        Clinic clinic = clinics.find("hapi-check").orElseThrow();
        EhrPlans plans = new EhrPlans(clinics, FHIR);
        EhrConnectionCheck checker = new EhrConnectionCheck(FHIR, plans, new EhrTokens(clinics, Clock.systemUTC()),
                Clock.systemUTC());
        String newestBefore = newestChange(base);

        EhrCheckReport report = checker.check(clinic);

        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.steps()).extracting(EhrCheckReport.Step::step).containsExactly("reach", "metadata", "plan");
        assertThat(report.steps()).allSatisfy(s -> assertThat(s.ok()).as(s.toString()).isTrue());
        assertThat(report.steps().get(1).facts()).containsEntry("fhirVersion", "4.0.1").containsEntry("transaction", true);
        assertThat(report.plan().keySet()).containsExactlyElementsOf(EhrResourceTypes.WRITTEN);
        assertThat(report.plan().values()).allSatisfy(t -> {
            assertThat(t.strategy()).isEqualTo("transaction");
            assertThat(t.source()).isEqualTo("statement");
        });
        assertThat(report.writeMode()).isEqualTo("transaction");
        assertThat(plans.of("hapi-check").orElseThrow().writeMode()).isEqualTo(WriteMode.TRANSACTION);
        assertThat(plans.of("hapi-check").orElseThrow().statementRead()).isTrue();
        assertThat(newestChange(base)).as("the EHR's newest change is the one before the check").isEqualTo(newestBefore);
    }

    /** The newest entry of the server's whole history (any resource, any version), or "none". */
    private static String newestChange(String base) {
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient ehr = FHIR.newRestfulGenericClient(base);
        Bundle history = ehr.history().onServer().returnBundle(Bundle.class).count(1).execute();
        return history.getEntry().isEmpty() ? "none" : history.getEntryFirstRep().getFullUrl()
                + " " + history.getEntryFirstRep().getResource().getMeta().getVersionId();
    }
}
