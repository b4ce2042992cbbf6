package org.ketabridge.convert;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.auditor.feed.StoreRecordWriter;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.EhrConnection;
import org.ketabridge.config.EhrType;
import org.ketabridge.config.Hl7Senders;
import org.ketabridge.config.WriteMode;
import org.ketabridge.intake.DoseWarnings;
import org.ketabridge.intake.FieldError;
import org.ketabridge.intake.InboundLine;
import org.ketabridge.intake.RecordValidators;
import org.ketabridge.intake.Rejection;
import org.ketabridge.intake.ValidationResult;
import org.ketabridge.intake.ValidatedRecord;
import org.ketabridge.intake.Warning;
import org.ketabridge.mapping.FhirMapper;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingInput;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.record.RecordIds;
import org.ketabridge.record.RecordKind;
import org.ketabridge.record.RecordReferences;

/**
 * Records of one kind, in the contract's JSON, to the FHIR R4 the bridge stores for them, without
 * Spring or a database: the same validators as intake, the same mapper, the same store transaction
 * ({@link StoreRecordWriter#transaction}: each resource PUT at the id its identifier determines,
 * references as the auditors' store holds them). Build one per clinic's defaults and reuse it:
 * construction reads {@code fhir-mapping/}.
 *
 * <p>What only the bridge's database knows is left out: a record is its first version; a score
 * carries no outcome against its baseline (that needs the patient's earlier scores); a dose is not
 * checked against its encounter's patient, nor warned about its encounter's monitoring time.
 */
public final class RecordConverter {

    private final Clinic clinic;
    private final RecordValidators validators = RecordValidators.standard();
    private final ObjectMapper json = new ObjectMapper();
    private final DoseWarnings doseWarnings = new DoseWarnings(json);
    private final FhirMapper mapper;

    /**
     * @param clinicId             the clinic's id (in identifiers and the clinic's Organization)
     * @param identifierSystemBase base of the clinic's identifier systems, or null for {@code urn:ketabridge:{clinicId}}
     * @param zone                 the clinic's time zone: times sent without an offset are read in it
     */
    public RecordConverter(String clinicId, String identifierSystemBase, ZoneId zone) {
        this(clinic(clinicId, identifierSystemBase, zone), standardTerminology());
    }

    RecordConverter(Clinic clinic, Terminology terminology) {
        this.clinic = clinic;
        this.mapper = new FhirMapper(json, terminology);
    }

    /** A store-only clinic of these defaults, checked as configuration would be. */
    static Clinic clinic(String clinicId, String identifierSystemBase, ZoneId zone) {
        if (!RecordIds.isValid(clinicId)) {
            throw new IllegalArgumentException("clinicId must be 1 to 64 characters of A-Z a-z 0-9 . _ -");
        }
        if (zone == null) {
            throw new IllegalArgumentException("zone is required: times sent without an offset are read in it");
        }
        String base = identifierSystemBase == null || identifierSystemBase.isBlank() ? "urn:ketabridge:" + clinicId
                : identifierSystemBase.endsWith("/") ? identifierSystemBase.substring(0, identifierSystemBase.length() - 1)
                : identifierSystemBase;
        EhrConnection storeOnly = new EhrConnection(EhrType.NONE, null, Optional.empty(), WriteMode.TRANSACTION, 1, null,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Map.of());
        return new Clinic(clinicId, clinicId, zone, base, null, storeOnly, Optional.empty(), Hl7Senders.ANYONE, Optional.empty(),
                Optional.empty());
    }

    /** The mapping knowledge of {@code fhir-mapping/} on the classpath, without any clinic's overrides. */
    static Terminology standardTerminology() {
        try {
            return new Terminology(FhirContext.forR4Cached());
        } catch (IOException e) {
            throw new UncheckedIOException("fhir-mapping/ could not be read from the classpath", e);
        }
    }

    Clinic clinic() {
        return clinic;
    }

    /**
     * Every line checked against the contract; the valid ones mapped into one transaction Bundle.
     *
     * @param receivedAt when the records arrived (their Provenance's recorded time)
     */
    public Conversion convert(RecordKind kind, List<InboundLine> lines, Instant receivedAt) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        List<Rejection> rejections = new ArrayList<>();
        String receiptId = UUID.nameUUIDFromBytes((clinic.id() + "|" + receivedAt).getBytes(StandardCharsets.UTF_8)).toString();
        for (InboundLine line : lines) {
            if (line.json() == null || !line.json().isObject()) {
                rejections.add(new Rejection(line.line(), null, List.of(new FieldError("(record)",
                        line.json() == null ? line.unreadableBecause() : "must be a JSON object"))));
                continue;
            }
            ValidationResult result = validators.validate(kind, line.json(), clinic, receivedAt);
            if (!result.isValid()) {
                rejections.add(new Rejection(line.line(), result.recordId(), result.errors()));
                continue;
            }
            ValidatedRecord r = result.record();
            MappedRecord mapped = mapper.map(new MappingInput(clinic, kind, r.recordId(), 1, r.content().toString(),
                    warnings(r), receiptId, receivedAt.atOffset(ZoneOffset.UTC),
                    StoreRecordWriter.references(clinic, RecordReferences.of(kind, r.recordId(), r.patientMrn(),
                            r.encounterId(), null)), null));
            StoreRecordWriter.transaction(mapped).getEntry().forEach(bundle::addEntry);
        }
        return new Conversion(bundle, List.copyOf(rejections));
    }

    private String warnings(ValidatedRecord record) {
        if (record.kind() != RecordKind.DOSE) {
            return null;
        }
        List<Warning> found = doseWarnings.check(record, Optional.empty());
        try {
            return found.isEmpty() ? null : json.writeValueAsString(found);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Bundle of the valid records, and every refused record with all its errors. */
    public record Conversion(Bundle bundle, List<Rejection> rejections) {
    }
}
