package org.ketabridge.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.ketabridge.db.IntakeFiles;
import org.ketabridge.web.ClinicGuard;
import org.ketabridge.web.JsonResponses;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/clinics/{clinicId}/files}: the files the clinic dropped in its inbox, the
 * latest started first ({@value #LIMIT} at most), each with its receipt and progress: how clinic
 * IT finds the receipt of the file it just dropped, and watches a large one go.
 */
@Component("intakeFilesApi")
public class IntakeFilesApi {

    static final int LIMIT = 100;

    private final ClinicGuard clinics;
    private final IntakeFiles files;
    private final JsonResponses responses;

    public IntakeFilesApi(ClinicGuard clinics, IntakeFiles files, JsonResponses responses) {
        this.clinics = clinics;
        this.files = files;
        this.responses = responses;
    }

    public void list(Exchange exchange) {
        String clinicId = clinics.require(exchange).id();
        List<Map<String, Object>> latest = files.latest(clinicId, LIMIT).stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("receiptId", f.receiptId());
            m.putAll(FileProgressJson.describe(f));
            return m;
        }).toList();
        responses.write(exchange, 200, Map.of("clinicId", clinicId, "files", latest));
    }
}
