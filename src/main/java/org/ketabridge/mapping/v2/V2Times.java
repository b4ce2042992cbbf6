package org.ketabridge.mapping.v2;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** HL7 v2 DTM and DT as the bridge writes them: to the second, always with the offset it was stored with. */
final class V2Times {

    private static final DateTimeFormatter DTM = DateTimeFormatter.ofPattern("yyyyMMddHHmmssxx");
    private static final DateTimeFormatter DT = DateTimeFormatter.ofPattern("yyyyMMdd");

    private V2Times() {
    }

    /** A stored date-time (ISO 8601 with offset), e.g. {@code 20261005090000-0600}; null stays null. */
    static String dateTime(String iso) {
        return iso == null ? null : OffsetDateTime.parse(iso).format(DTM);
    }

    static String instant(Instant at, ZoneId zone) {
        return at.atZone(zone).toOffsetDateTime().format(DTM);
    }

    static String date(String iso) {
        return iso == null ? null : LocalDate.parse(iso).format(DT);
    }
}
