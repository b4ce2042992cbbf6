package org.ketabridge.security;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code issue-token --role=auditor --clinics=demo [--subject=name] [--hours=8] [--audience=a,b] [--key-dir=./data/keys]}:
 * prints a token signed by the local key, for the demo and a first run. Runs instead of the
 * bridge (no Spring context), so it works whether or not a bridge is running. A token lives at
 * most {@link TokenIssuer#MAX_LIFETIME}; a longer {@code --hours} is refused, not shortened.
 * With {@code --console [--base-url=http://localhost:8080]} it prints a one-time link that signs
 * its holder in to the web console as that role and those clinics instead, good for
 * {@link TokenIssuer#SIGN_IN_LIFETIME}.
 */
public final class IssueTokenCommand {

    public static final String NAME = "issue-token";
    /** Where a console sign-in link leads (the console's sign-in page). */
    public static final String SIGN_IN_PATH = "/console/sign-in";

    private IssueTokenCommand() {
    }

    /** @return the process exit code */
    public static int run(String[] args) {
        Optional<Role> role = option(args, "role").flatMap(Role::ofClaim);
        Optional<Duration> validFor = hours(args);
        if (role.isEmpty() || validFor.isEmpty()) {
            System.err.println("usage: issue-token --role=auditor|clinic-it|metrics|admin --clinics=id1,id2 [--subject=name]"
                    + " [--hours=8, at most " + TokenIssuer.MAX_LIFETIME.toHours() + "] [--audience=a,b] [--key-dir=./data/keys]"
                    + " [--console [--base-url=http://localhost:8080]: a console sign-in link, good for "
                    + TokenIssuer.SIGN_IN_LIFETIME.toMinutes() + " minutes, once]");
            return 2;
        }
        List<String> clinics = option(args, "clinics").map(c -> Arrays.asList(c.split(","))).orElse(List.of());
        String subject = option(args, "subject").orElse(role.get().claim() + "-demo");
        List<String> audiences = option(args, "audience").map(a -> Arrays.asList(a.split(","))).orElse(List.of());
        Path keys = Path.of(option(args, "key-dir").orElse("./data/keys"));
        TokenIssuer issuer = new TokenIssuer(LocalSigningKey.loadOrCreate(keys));
        if (Arrays.asList(args).contains("--console")) {
            String base = option(args, "base-url").orElse("http://localhost:8080").replaceAll("/+$", "");
            String token = issuer.issueSignIn(subject, role.get(), clinics, UUID.randomUUID().toString(), Instant.now(),
                    TokenIssuer.SIGN_IN_LIFETIME);
            System.out.println(base + SIGN_IN_PATH + "?token=" + token);
            return 0;
        }
        System.out.println(issuer.issue(subject, role.get(), clinics, audiences, Instant.now(), validFor.get()));
        return 0;
    }

    /** {@code --hours}, 8 by default; empty when it is not a whole number of hours within the cap. */
    private static Optional<Duration> hours(String[] args) {
        try {
            Duration validFor = Duration.ofHours(option(args, "hours").map(Long::parseLong).orElse(8L));
            boolean allowed = !validFor.isNegative() && !validFor.isZero() && validFor.compareTo(TokenIssuer.MAX_LIFETIME) <= 0;
            return allowed ? Optional.of(validFor) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> option(String[] args, String name) {
        String prefix = "--" + name + "=";
        return Arrays.stream(args).filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).findFirst();
    }
}
