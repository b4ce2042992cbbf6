package org.ketabridge.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.ketabridge.channel.csv.CsvFileIntake;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.IntakeFiles;
import org.ketabridge.web.ClinicGuard;
import org.ketabridge.web.JsonResponses;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/clinics/{clinicId}/files}: the files the clinic dropped in its inbox, the
 * latest started first ({@value #LIMIT} at most), each with its receipt and progress: how clinic
 * IT finds the receipt of the file it just dropped, and watches a large one go. A file still in
 * the inbox's processing/ folder says so ({@code inProcessing}), with the looks that failed at it
 * ({@code failedLooks}, the kinds of the {@code lastError}): {@code finished} and still there is a
 * file whose every row is stored and whose move out failed (it is never read again).
 */
@Component("intakeFilesApi")
public class IntakeFilesApi {

    static final int LIMIT = 100;

    private final ClinicGuard clinics;
    private final IntakeFiles files;
    private final CsvFileIntake csvFiles;
    private final JsonResponses responses;

    public IntakeFilesApi(ClinicGuard clinics, IntakeFiles files, CsvFileIntake csvFiles, JsonResponses responses) {
        this.clinics = clinics;
        this.files = files;
        this.csvFiles = csvFiles;
        this.responses = responses;
    }

    public void list(Exchange exchange) {
        Clinic clinic = clinics.require(exchange);
        String clinicId = clinic.id();
        List<Map<String, Object>> latest = files.latest(clinicId, LIMIT).stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("receiptId", f.receiptId());
            m.putAll(FileProgressJson.describe(f));
            Optional<CsvFileIntake.FileInProcessing> inProcessing = csvFiles.inProcessing(clinic, f.receiptId());
            m.put("inProcessing", inProcessing.isPresent());
            inProcessing.filter(p -> p.failedLooks() > 0).ifPresent(p -> {
                m.put("failedLooks", p.failedLooks());
                m.put("lastError", p.lastError());
            });
            return m;
        }).toList();
        responses.write(exchange, 200, Map.of("clinicId", clinicId, "files", latest));
    }
}
