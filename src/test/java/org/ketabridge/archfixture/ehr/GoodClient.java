package org.ketabridge.archfixture.ehr;

import java.net.http.HttpClient;

/** Allowed: ehr/ talks to EHRs. */
public class GoodClient {
    public HttpClient client() {
        return HttpClient.newHttpClient();
    }
}
