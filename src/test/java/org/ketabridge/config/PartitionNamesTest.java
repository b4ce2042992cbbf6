package org.ketabridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.entity.PartitionEntity;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.jpa.partition.PartitionLookupSvcImpl;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every clinic id the contract allows gets a partition name HAPI takes, no two ids the same name,
 * and the same name on every start. Checked against HAPI's own rule (read from its class, not
 * copied), exhaustively over every id of up to three characters and over long random ids.
 */
class PartitionNamesTest {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

    @Test
    void everyIdOfUpToThreeCharactersHasItsOwnValidName() throws Exception {
        Pattern hapi = hapiPartitionNamePattern();
        Map<String, String> idByName = new HashMap<>();
        for (String id : allIdsUpTo(3)) {
            String name = PartitionNames.of(id);
            assertValidForHapi(hapi, id, name);
            String earlier = idByName.put(name, id);
            assertThat(earlier).as("ids '%s' and '%s' share the partition '%s'", earlier, id, name).isNull();
            assertThat(decode(name)).isEqualTo(id);
        }
        assertThat(idByName).hasSize(65 + 65 * 65 + 65 * 65 * 65);
    }

    @Test
    void longIdsOfEveryShapeAreValidAndNameOnlyThemselves() throws Exception {
        Pattern hapi = hapiPartitionNamePattern();
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            int length = 1 + random.nextInt(64);
            StringBuilder id = new StringBuilder();
            // Often only the characters that need escaping, so that their combinations are well covered.
            String letters = random.nextBoolean() ? ALPHABET : "._-a";
            for (int j = 0; j < length; j++) {
                id.append(letters.charAt(random.nextInt(letters.length())));
            }
            String name = PartitionNames.of(id.toString());
            assertValidForHapi(hapi, id.toString(), name);
            // A name decodes to exactly the id it came from: no other id can have it (one-to-one).
            assertThat(decode(name)).isEqualTo(id.toString());
        }
        assertValidForHapi(hapi, "64 dots", PartitionNames.of(".".repeat(64)));
        assertValidForHapi(hapi, "64 underscores and a dot", PartitionNames.of("_".repeat(63) + "."));
    }

    @Test
    void idsThatWereValidNamesKeepThemAndTheOthersNeverChange() {
        // Existing stores hold their clinics' data under these names.
        assertThat(PartitionNames.of("northside")).isEqualTo("northside");
        assertThat(PartitionNames.of("desert_sky")).isEqualTo("desert_sky");
        assertThat(PartitionNames.of("a-b_C9")).isEqualTo("a-b_C9");
        // The same name on every start, in every release: data is stored under it.
        assertThat(PartitionNames.of("lakeview.infusion")).isEqualTo("lakeview_dinfusion" + "-".repeat(129 - 18));
        assertThat(PartitionNames.of("a.b_c-d")).isEqualTo("a_db__c_hd" + "-".repeat(129 - 10));
    }

    @Test
    void reservedNamesAreThoseTheStoreUsesForSomethingElse() {
        assertThat(PartitionNames.isReserved(JpaConstants.DEFAULT_PARTITION_NAME)).isTrue();
        assertThat(PartitionNames.isReserved(PartitionNames.NO_CLINIC)).isTrue();
        assertThat(PartitionNames.isReserved("default")).as("HAPI compares its default name exactly").isFalse();
        assertThat(PartitionNames.isReserved("kb.no.clinic")).isFalse();
    }

    private static void assertValidForHapi(Pattern hapi, String id, String name) {
        assertThat(hapi.matcher(name).matches()).as("name of '%s': %s", id, name).isTrue();
        assertThat(name.length()).as("name of '%s'", id).isLessThanOrEqualTo(PartitionEntity.MAX_NAME_LENGTH);
        assertThat(name).isNotEqualTo(JpaConstants.DEFAULT_PARTITION_NAME);
    }

    /** HAPI's own rule for a partition name, as its partition service checks it (HAPI-1312). */
    private static Pattern hapiPartitionNamePattern() throws Exception {
        Field rule = PartitionLookupSvcImpl.class.getDeclaredField("PARTITION_NAME_VALID_PATTERN");
        rule.setAccessible(true);
        return (Pattern) rule.get(null);
    }

    private static java.util.List<String> allIdsUpTo(int length) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        java.util.List<String> previous = java.util.List.of("");
        for (int l = 1; l <= length; l++) {
            java.util.List<String> next = new java.util.ArrayList<>();
            for (String p : previous) {
                for (char c : ALPHABET.toCharArray()) {
                    next.add(p + c);
                }
            }
            ids.addAll(next);
            previous = next;
        }
        return ids;
    }

    /** The inverse of the naming rule: shows that no information is lost (hence no two ids share a name). */
    private static String decode(String name) {
        if (name.length() <= 64) {
            return name;
        }
        String escaped = name.replaceAll("-+$", "");
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '_') {
                id.append(c);
                continue;
            }
            char next = escaped.charAt(++i);
            id.append(switch (next) {
                case '_' -> '_';
                case 'd' -> '.';
                case 'h' -> '-';
                default -> throw new AssertionError("not an escape: _" + next);
            });
        }
        return id.toString();
    }
}
