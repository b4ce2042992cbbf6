package org.ketabridge.archfixture.sync;

import java.net.http.HttpClient;

/** Breaks "only ehr/ talks to an EHR". */
public class RogueSender {
    public HttpClient client() {
        return HttpClient.newHttpClient();
    }
}
