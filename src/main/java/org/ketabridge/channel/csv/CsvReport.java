package org.ketabridge.channel.csv;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.ketabridge.intake.FieldError;
import org.ketabridge.intake.Rejection;
import org.ketabridge.intake.StreamedIntake.Progress;

/**
 * The report written beside a processed file ({@code <name>.report.json}): its receipt and
 * counts, and each refused row as line, record id, field and reason, one entry per error. Never a
 * value from the file: clinic IT fixes the rows named, in their own copy, and drops them again.
 */
final class CsvReport {

    private static final JsonFactory JSON = new JsonFactory();

    private CsvReport() {
    }

    /** The refused rows of a file, in row order, handed one at a time (never all in memory). */
    interface Rejections {
        void forEach(Consumer<Rejection> each);
    }

    static void ofRows(Path report, String fileName, Progress progress, Rejections rejections)
            throws IOException {
        try (JsonGenerator out = JSON.createGenerator(report.toFile(), JsonEncoding.UTF8).useDefaultPrettyPrinter()) {
            out.writeStartObject();
            out.writeStringField("file", fileName);
            out.writeStringField("receiptId", progress.receiptId());
            out.writeNumberField("rowsRead", progress.rowsCommitted());
            out.writeNumberField("accepted", progress.accepted());
            out.writeNumberField("unchanged", progress.unchanged());
            out.writeNumberField("rejected", progress.rejected());
            out.writeArrayFieldStart("errors");
            try {
                rejections.forEach(rejection -> write(out, rejection));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
    }

    private static void write(JsonGenerator out, Rejection rejection) {
        try {
            for (FieldError error : rejection.errors()) {
                out.writeStartObject();
                out.writeNumberField("line", rejection.line());
                out.writeStringField("recordId", rejection.recordId());
                out.writeStringField("field", error.field());
                out.writeStringField("reason", error.reason());
                out.writeEndObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void ofRefusal(Path report, String fileName, String reason) throws IOException {
        try (JsonGenerator out = JSON.createGenerator(report.toFile(), JsonEncoding.UTF8).useDefaultPrettyPrinter()) {
            out.writeStartObject();
            out.writeStringField("file", fileName);
            out.writeStringField("refused", reason);
            out.writeEndObject();
        }
    }
}
