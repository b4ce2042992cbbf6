package org.ketabridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract's date-times, read digit by digit on the common form: a clinic sees the same
 * accepted and refused values as with java.time's ISO parser, on every input.
 */
class DateTimesTest {

    private static final ZoneId DENVER = ZoneId.of("America/Denver");

    @Test
    void readsTheFormsClinicsSend() {
        assertThat(DateTimes.parse("2026-11-03T09:30:00-07:00", DENVER)).isEqualTo(OffsetDateTime.parse("2026-11-03T09:30:00-07:00"));
        assertThat(DateTimes.parse("2026-11-03T16:30:00Z", DENVER)).isEqualTo(OffsetDateTime.parse("2026-11-03T16:30:00Z"));
        assertThat(DateTimes.parse("2026-11-03T09:30:00.25+05:30", DENVER)).isEqualTo(OffsetDateTime.parse("2026-11-03T09:30:00.25+05:30"));
        assertThat(DateTimes.parse(" 2026-11-03T09:30 ", DENVER)).isEqualTo(OffsetDateTime.parse("2026-11-03T09:30:00-07:00"));
        // Without an offset, in the clinic's zone: a time in the spring-forward gap moves forward.
        assertThat(DateTimes.parse("2026-03-08T02:30:00", DENVER)).isEqualTo(OffsetDateTime.parse("2026-03-08T03:30:00-06:00"));
    }

    @Test
    void refusesTimesThatDoNotExist() {
        for (String text : List.of("2026-02-30T09:00:00Z", "2026-13-01T09:00:00Z", "2026-11-03T24:00:00Z",
                "2026-11-03T09:60:00Z", "2026-11-03T09:30:60Z", "2026-11-03T09:30:00+19:00", "2026-11-03T09:30:00+05:60",
                "2026-11-03", "09:30:00", "2026-11-03T09:30:00.1234567891Z", "2026-11-03 09:30:00Z", "yesterday", "")) {
            assertThat(DateTimes.parse(text, DENVER)).as(text).isNull();
        }
    }

    @Test
    void givesTheSameAnswerAsJavaTimesIsoParserOnEveryInput() {
        List<String> inputs = new ArrayList<>(List.of(
                "2026-11-03T09:30:00.Z", "2026-11-03t09:30:00z", "2026-11-03T09:30:00-07:00[America/Denver]",
                "2026-11-03T09:30:00+0700", "2026-11-03T09:30:00+07", "2026-11-03T09:30:00-00:00", "+12026-11-03T09:30:00Z",
                "0000-01-01T00:00:00Z", "2026-11-03T09:30:00+07:00:30", "2026-02-29T10:00:00Z", "2028-02-29T10:00:00Z"));
        Random random = new Random(20261127);
        String[] seeds = {"2026-11-03T09:30:00-07:00", "2026-11-03T09:30", "2026-11-03T09:30:00.123Z", "2026-11-03T09:30:00"};
        String alphabet = "0123456789-:T+.Z tz[]/";
        for (int i = 0; i < 50_000; i++) {
            StringBuilder s = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            for (int edits = random.nextInt(3); edits > 0 && s.length() > 0; edits--) {
                int at = random.nextInt(s.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> s.setCharAt(at, c);
                    case 1 -> s.deleteCharAt(at);
                    default -> s.insert(at, c);
                }
            }
            inputs.add(s.toString());
        }
        int accepted = 0;
        for (String text : inputs) {
            OffsetDateTime expected = DateTimes.parseWithFormatter(text, DENVER);
            assertThat(DateTimes.parse(text, DENVER)).as(text).isEqualTo(expected);
            accepted += expected != null ? 1 : 0;
        }
        // The mutations must exercise both answers, or the comparison proves little.
        assertThat(accepted).isBetween(inputs.size() / 20, inputs.size() - inputs.size() / 20);
    }
}
