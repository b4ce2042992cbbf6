package org.ketabridge.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The clinic a request to the bridge's API, or a page of its web console, names in its path, if any. */
public final class ClinicPaths {

    private static final Pattern CLINIC_API = Pattern.compile("^/(?:api/v1|console)/clinics/([^/]+)(/.*)?$");

    private ClinicPaths() {
    }

    public static String clinicOf(String requestUri) {
        Matcher m = CLINIC_API.matcher(requestUri);
        return m.matches() ? m.group(1) : null;
    }
}
