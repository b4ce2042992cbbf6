package org.ketabridge.config;

import java.net.URI;
import java.util.Optional;

/**
 * Alerts (issue 17): where a clinic's alert notifications are POSTed, and the secret they are signed
 * with, if the receiver wants to check that they come from the bridge. Neither is ever logged: a
 * webhook URL often carries the receiver's own secret in its path.
 */
public record AlertWebhook(URI url, Optional<String> secret) {

    @Override
    public String toString() {
        return "AlertWebhook[url hidden, " + (secret.isPresent() ? "signed" : "unsigned") + "]";
    }
}
