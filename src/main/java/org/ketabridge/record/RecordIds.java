package org.ketabridge.record;

import java.util.regex.Pattern;

/** The one rule for every id in the contract: 1 to 64 of {@code A-Z a-z 0-9 . _ -}. */
public final class RecordIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private RecordIds() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
