package org.ketabridge.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The clinic a request to the bridge's API names in its path, if any. */
public final class ClinicPaths {

    private static final Pattern CLINIC_API = Pattern.compile("^/api/v1/clinics/([^/]+)(/.*)?$");

    private ClinicPaths() {
    }

    public static String clinicOf(String requestUri) {
        Matcher m = CLINIC_API.matcher(requestUri);
        return m.matches() ? m.group(1) : null;
    }
}
