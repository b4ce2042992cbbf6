package org.ketabridge.mapping.v2;

/**
 * MSH-10 of the message that carries a record version: {@code KB} and the version's row id
 * (record_version.id). Stable, so a message sent again after a lost ACK has the same control id
 * and the EHR can drop the repeat; unique per database (two versions never share a row id); at
 * most 20 characters (ST, v2.5.1), for any row id below 10^18.
 */
public final class ControlIds {

    static final String PREFIX = "KB";

    private ControlIds() {
    }

    /** Whether {@code id} has the form of a control id the bridge gives ({@code KB} and digits). */
    public static boolean isOurs(String id) {
        return id != null && id.matches(PREFIX + "\\d{1,18}");
    }

    public static String of(long versionRowId) {
        if (versionRowId < 0) {
            throw new IllegalArgumentException("a record version's row id is not negative");
        }
        String id = PREFIX + versionRowId;
        if (id.length() > 20) {
            throw new IllegalArgumentException("row id " + versionRowId + " too long for MSH-10 (20 characters)");
        }
        return id;
    }
}
