package org.ketabridge.mapping.v2;

/**
 * MSH-10 of the message that carries a record version: {@code KB} and the version's row id
 * (record_version.id), and after the n-th replay of its dead letter {@code R} and n
 * ({@code KB42R1}). Stable across automatic retries and resends after a crash, so a message sent
 * again after a lost ACK has the same control id and the EHR can drop the repeat; new on a replay,
 * which is a fresh attempt the EHR must not take for a repeat (it would drop it, or answer again
 * what it answered before); unique per database (two versions never share a row id); at most 20
 * characters (ST, v2.5.1): for any row id below 10^18 before a replay, fewer digits after.
 */
public final class ControlIds {

    static final String PREFIX = "KB";

    static final String REPLAY = "R";
    static final int MAX_LENGTH = 20;

    private ControlIds() {
    }

    /** Whether {@code id} has the form of a control id the bridge gives ({@code KB}, digits, maybe {@code R} and digits). */
    public static boolean isOurs(String id) {
        return id != null && id.length() <= MAX_LENGTH && id.matches(PREFIX + "\\d{1,18}(" + REPLAY + "[1-9]\\d*)?");
    }

    /** The control id of a version never replayed. */
    public static String of(long versionRowId) {
        return of(versionRowId, 0);
    }

    /** The control id of a version after {@code replays} replays of its dead letter (0: never replayed). */
    public static String of(long versionRowId, int replays) {
        if (versionRowId < 0 || replays < 0) {
            throw new IllegalArgumentException("a record version's row id and its replays are not negative");
        }
        String id = PREFIX + versionRowId + (replays == 0 ? "" : REPLAY + replays);
        if (id.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("row id " + versionRowId + " replay " + replays + " too long for MSH-10 (20 characters)");
        }
        return id;
    }
}
