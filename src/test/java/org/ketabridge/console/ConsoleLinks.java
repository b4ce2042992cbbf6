package org.ketabridge.console;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.ketabridge.security.IssueTokenCommand;
import org.ketabridge.security.LocalSigningKey;
import org.ketabridge.security.Role;
import org.ketabridge.security.TokenIssuer;
import org.ketabridge.support.TestTokens;

/** Console sign-in links for tests: printed by {@code issue-token --console} itself, or made expired on purpose. */
final class ConsoleLinks {

    private ConsoleLinks() {
    }

    /** What {@code issue-token --console --role=... --clinics=...} prints, for the test bridge's port and key. */
    static synchronized String issue(int port, String role, String... clinics) {
        List<String> args = new ArrayList<>(List.of(IssueTokenCommand.NAME, "--console", "--role=" + role,
                "--key-dir=" + TestTokens.KEY_DIR, "--base-url=http://localhost:" + port));
        if (clinics.length > 0) {
            args.add("--clinics=" + String.join(",", clinics));
        }
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            if (IssueTokenCommand.run(args.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("issue-token --console failed");
            }
        } finally {
            System.setOut(out);
        }
        // The link is the line issue-token printed; the bridge's own threads may log to the same stream meanwhile.
        return printed.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("http://")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("issue-token --console printed no link"));
    }

    /** A link whose token expired a minute ago. */
    static String expired(int port, Role role, String... clinics) {
        String token = new TokenIssuer(LocalSigningKey.loadOrCreate(TestTokens.KEY_DIR)).issueSignIn("expired-link", role,
                List.of(clinics), UUID.randomUUID().toString(), Instant.now().minus(Duration.ofMinutes(11)), Duration.ofMinutes(10));
        return "http://localhost:" + port + IssueTokenCommand.SIGN_IN_PATH + "?token=" + token;
    }

    static String tokenOf(String link) {
        return link.substring(link.indexOf("?token=") + "?token=".length());
    }
}
