package org.ketabridge.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;

/**
 * The key pair that signs and checks tokens when the bridge trusts no outside issuer (the demo,
 * a first run, the tests): an RSA key in a JWK file, made on first use. Whoever can read this
 * file can issue tokens, so it is created readable by its owner only, beside the bridge's data.
 * Production sets an issuer instead (README, "Access").
 */
public final class LocalSigningKey {

    public static final String ISSUER = "urn:ketabridge:local";
    private static final String FILE = "signing-key.jwk.json";

    private LocalSigningKey() {
    }

    public static RSAKey loadOrCreate(Path directory) {
        Path file = directory.resolve(FILE);
        try {
            if (Files.exists(file)) {
                return RSAKey.parse(Files.readString(file));
            }
            Files.createDirectories(directory);
            RSAKey key = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
            Path temporary = Files.createTempFile(directory, "signing-key", ".tmp");
            restrictToOwner(temporary);
            Files.writeString(temporary, key.toJSONString());
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the local signing key in " + directory, e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("the local signing key " + file + " is not a usable RSA JWK: " + e.getMessage(), e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the directory's ACL applies.
        }
    }
}
