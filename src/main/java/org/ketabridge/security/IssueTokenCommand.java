package org.ketabridge.security;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code issue-token --role=auditor --clinics=demo [--subject=name] [--hours=8] [--key-dir=./data/keys]}:
 * prints a token signed by the local key, for the demo and a first run. Runs instead of the
 * bridge (no Spring context), so it works whether or not a bridge is running.
 */
public final class IssueTokenCommand {

    public static final String NAME = "issue-token";

    private IssueTokenCommand() {
    }

    /** @return the process exit code */
    public static int run(String[] args) {
        Optional<Role> role = option(args, "role").flatMap(Role::ofClaim);
        if (role.isEmpty()) {
            System.err.println("usage: issue-token --role=auditor|clinic-it|admin --clinics=id1,id2 [--subject=name]"
                    + " [--hours=8] [--key-dir=./data/keys]");
            return 2;
        }
        List<String> clinics = option(args, "clinics").map(c -> Arrays.asList(c.split(","))).orElse(List.of());
        String subject = option(args, "subject").orElse(role.get().claim() + "-demo");
        Duration validFor = Duration.ofHours(option(args, "hours").map(Long::parseLong).orElse(8L));
        Path keys = Path.of(option(args, "key-dir").orElse("./data/keys"));
        TokenIssuer issuer = new TokenIssuer(LocalSigningKey.loadOrCreate(keys));
        System.out.println(issuer.issue(subject, role.get(), clinics, Instant.now(), validFor));
        return 0;
    }

    private static Optional<String> option(String[] args, String name) {
        String prefix = "--" + name + "=";
        return Arrays.stream(args).filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).findFirst();
    }
}
