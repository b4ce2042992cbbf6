package org.ketabridge.config;

import java.util.Set;
import java.util.regex.Pattern;
import org.ketabridge.record.RecordIds;

/**
 * The auditors' store partition of a clinic: the one rule that names it, used by everything that
 * names a partition (the store's writes, the scope of a read, an export, the audit trail).
 *
 * <p>HAPI takes a partition name of {@code [A-Za-z0-9_-]+} (at most 200 characters), never
 * {@code DEFAULT} (its default partition; {@code PartitionLookupSvcImpl}); a clinic id is 1 to
 * 64 of {@code A-Z a-z 0-9 . _ -} ({@link RecordIds}). So:
 * <ul>
 * <li>an id without {@code .} is its own partition name, as it always was: existing stores keep
 * their data where it is;</li>
 * <li>an id with a {@code .} is escaped ({@code _} as {@code __}, {@code .} as {@code _d},
 * {@code -} as {@code _h}) and padded with {@code -} to {@value #ESCAPED_LENGTH} characters.
 * Escaping is reversible and leaves no {@code -}, so the padding is told apart from the name and
 * the name from every other; its length, over 64, keeps it from ever being an id of the first
 * kind.</li>
 * </ul>
 * One id, one name, always the same (a pure function of the id): stable across restarts.
 */
public final class PartitionNames {

    /** A partition that is never written: the scope of a token that covers no clinic the bridge has. */
    public static final String NO_CLINIC = "kb-no-clinic";

    /** HAPI's name for its default partition (JpaConstants.DEFAULT_PARTITION_NAME), where admins' trail is kept. */
    public static final String HAPI_DEFAULT = "DEFAULT";

    /** Names a clinic's partition may not have: each already means something else in the store. */
    public static final Set<String> RESERVED = Set.of(HAPI_DEFAULT, NO_CLINIC);

    /** Every escaped id, padded to this length: twice the longest id, plus at least one {@code -}. */
    static final int ESCAPED_LENGTH = 2 * 64 + 1;

    private static final Pattern HAPI_PARTITION_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private PartitionNames() {
    }

    /** The partition name of a clinic (any id {@link RecordIds#isValid} takes). */
    public static String of(String clinicId) {
        if (!RecordIds.isValid(clinicId)) {
            throw new IllegalArgumentException("not a clinic id");
        }
        if (HAPI_PARTITION_NAME.matcher(clinicId).matches()) {
            return clinicId;
        }
        StringBuilder escaped = new StringBuilder(ESCAPED_LENGTH);
        for (char c : clinicId.toCharArray()) {
            switch (c) {
                case '_' -> escaped.append("__");
                case '.' -> escaped.append("_d");
                case '-' -> escaped.append("_h");
                default -> escaped.append(c);
            }
        }
        return escaped.append("-".repeat(ESCAPED_LENGTH - escaped.length())).toString();
    }

    /** Whether a clinic's partition would be one the store keeps for something else (start-up refuses such a clinic). */
    public static boolean isReserved(String clinicId) {
        return RESERVED.contains(of(clinicId));
    }
}
