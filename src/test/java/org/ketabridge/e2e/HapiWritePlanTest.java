package org.ketabridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.EhrResourceTypes;
import org.ketabridge.config.WriteMode;
import org.ketabridge.config.WriteStrategy;
import org.ketabridge.ehr.fhir.EhrCapabilities;
import org.ketabridge.ehr.fhir.EhrPlans;
import org.ketabridge.ehr.fhir.FhirEhrClient;
import org.ketabridge.ehr.fhir.WritePlan;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.support.TestClinics;

/**
 * {@code write-mode: auto} against a real HAPI FHIR JPA server (the demo EHR, {@link SharedEhr}):
 * its own CapabilityStatement, read as the bridge reads it, resolves to today's transaction for
 * every type the bridge writes (so the saved copy in {@code capability-statements/hapi-8.8.0.json}
 * is HAPI's as it is), and a record written that way is in the EHR once.
 */
class HapiWritePlanTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void hapisStatementResolvesAutoToTransactionAndTheRecordArrivesOnce() {
        String base = SharedEhr.INSTANCE.baseUrl();
        ClinicRegistry clinics = TestClinics.registry(Map.of(
                "bridge.clinics[0].id", "hapi-auto",
                "bridge.clinics[0].time-zone", "UTC",
                "bridge.clinics[0].ehr.type", "fhir",
                "bridge.clinics[0].ehr.base-url", base,
                "bridge.clinics[0].ehr.write-mode", "auto"));
        Clinic clinic = clinics.find("hapi-auto").orElseThrow();

        EhrCapabilities.Reading reading = new EhrCapabilities(clinic.ehr(), FHIR).read();
        assertThat(reading.problem()).isNull();
        WritePlan plan = WritePlan.of(clinic.ehr(), reading.statement().orElseThrow());
        assertThat(plan.writeMode()).isEqualTo(WriteMode.TRANSACTION);
        assertThat(plan.byType().keySet()).containsExactlyElementsOf(EhrResourceTypes.WRITTEN);
        assertThat(plan.byType().values()).allSatisfy(p -> assertThat(p.strategy()).isEqualTo(WriteStrategy.TRANSACTION));

        EhrPlans plans = new EhrPlans(clinics, FHIR);
        plans.planAtStartUp();
        assertThat(plans.of("hapi-auto").orElseThrow().writeMode()).isEqualTo(WriteMode.TRANSACTION);
        String mrn = "KB-PLAN-" + UUID.randomUUID();
        new FhirEhrClient(clinic, FHIR, plans).write(record(clinic, mrn));

        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient ehr = FHIR.newRestfulGenericClient(base);
        Bundle found = ehr.search().forResource(Patient.class)
                .where(new TokenClientParam("identifier").exactly().systemAndCode(clinic.identifierSystem("mrn"), mrn))
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).hasSize(1);
    }

    /** A synthetic patient and the Provenance of its delivery (written to an id of the bridge's own). */
    private static MappedRecord record(Clinic clinic, String mrn) {
        String system = clinic.identifierSystem("mrn");
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(system).setValue(mrn);
        patient.addName().setFamily("Test").addGiven("Synthetic");
        String placeholder = "urn:uuid:" + UUID.randomUUID();
        String provenanceId = "kb-" + UUID.randomUUID().toString().replace("-", "");
        Provenance provenance = new Provenance();
        provenance.setId(provenanceId);
        provenance.addTarget(new Reference(placeholder));
        provenance.setRecorded(new Date());
        provenance.addAgent().setWho(new Reference().setDisplay("ketabridge test"));
        MappedResource p = new MappedResource(patient, system, mrn, placeholder);
        return new MappedRecord(List.of(p, new MappedResource(provenance, null, provenanceId, "urn:uuid:" + UUID.randomUUID())), p);
    }
}
