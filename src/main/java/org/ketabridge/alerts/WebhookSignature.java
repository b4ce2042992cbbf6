package org.ketabridge.alerts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a notification is signed when its clinic has {@code alerts.webhook-secret}: HMAC-SHA256, keyed
 * by the secret, of the timestamp (seconds since the epoch, as sent), a dot, and the body exactly as
 * sent. The receiver recomputes it, compares in constant time, and refuses a timestamp too far from
 * its clock, so a notification seen on the way can be neither altered nor replayed later. The
 * timestamp is in the signed text because the body of a retried notification is the same every
 * time (its id tells duplicates apart), and a signature of the body alone would never expire.
 */
public final class WebhookSignature {

    public static final String TIMESTAMP_HEADER = "X-KetaBridge-Timestamp";
    public static final String SIGNATURE_HEADER = "X-KetaBridge-Signature";

    private WebhookSignature() {
    }

    /** The signature header's value: {@code sha256=} and the lower-case hex of the HMAC. */
    public static String sign(String secret, long epochSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((epochSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is in every Java runtime", e);
        }
    }
}
