package org.ketabridge.channel.hl7;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.support.jsse.ClientAuthentication;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.InvalidClinicConfigurationException;
import org.ketabridge.config.Secrets;

/**
 * MLLP over TLS for the HL7 listener ({@code bridge.hl7.tls}): the key store, opened with its
 * password (environment variable or file), and the client certificates asked for. Checked when
 * the bridge starts, every problem named by its property, so a wrong password or a key store
 * without a key stops start-up rather than every connection. Camel's TLS defaults otherwise
 * (TLS 1.2 and 1.3, no SSL, no weak cipher suites).
 */
public final class Hl7ListenerTls {

    /**
     * The Camel property the hl7-intake route takes its {@code sslContextParameters} from
     * ({@code {{?hl7-listener-tls}}}): a reference to the listener's TLS when it is configured,
     * absent otherwise, so the one route serves plain MLLP unchanged.
     */
    static final String ROUTE_OPTION = "hl7-listener-tls";

    private final Secrets secrets;

    public Hl7ListenerTls(Secrets secrets) {
        this.secrets = secrets;
    }

    /** The listener's TLS, or start-up stopped naming every problem. */
    public SSLContextParameters parameters(BridgeProperties.Hl7.Tls tls) {
        List<String> problems = new ArrayList<>();
        BiConsumer<String, String> problem = (property, reason) -> problems.add("bridge.hl7.tls." + property + ": " + reason);
        ClientAuthentication clientAuth = clientAuth(tls.getClientAuth(), problem);
        String keyPassword = secrets.read(tls.getKeyStorePasswordEnv(), tls.getKeyStorePasswordFile(),
                "key-store-password-env", "key-store-password-file", problem);
        KeyStore keys = keyPassword == null ? null : open(tls.getKeyStore(), tls.getKeyStoreType(), keyPassword, "key-store", problem);
        if (keys != null && !holdsPrivateKey(keys)) {
            problem.accept("key-store", "holds no private key (the bridge's key and certificate chain)");
        }
        KeyStore trusted = null;
        boolean trustStoreNamed = tls.getTrustStore() != null && !tls.getTrustStore().isBlank();
        if (trustStoreNamed && clientAuth == ClientAuthentication.NONE) {
            problem.accept("trust-store", "only used to check client certificates: set client-auth to want or require, or remove it");
        } else if (trustStoreNamed) {
            String trustPassword = secrets.read(tls.getTrustStorePasswordEnv(), tls.getTrustStorePasswordFile(),
                    "trust-store-password-env", "trust-store-password-file", problem);
            trusted = trustPassword == null ? null : open(tls.getTrustStore(), tls.getTrustStoreType(), trustPassword, "trust-store", problem);
        }
        if (!problems.isEmpty()) {
            throw new InvalidClinicConfigurationException("Invalid HL7 listener configuration", problems);
        }
        return parameters(keys, keyPassword, trusted, clientAuth);
    }

    /** What the route's {@code {{?hl7-listener-tls}}} resolves to: the named bean while TLS is on, nothing while it is off. */
    public static PropertiesSource routeOption(String beanName) {
        return new PropertiesSource() {
            @Override
            public String getName() {
                return "ketabridge-hl7-listener-tls";
            }

            @Override
            public String getProperty(String name) {
                return ROUTE_OPTION.equals(name) ? "#" + beanName : null;
            }
        };
    }

    private static SSLContextParameters parameters(KeyStore keys, String keyPassword, KeyStore trusted, ClientAuthentication clientAuth) {
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(loaded(keys));
        keyManagers.setKeyPassword(keyPassword);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setKeyManagers(keyManagers);
        if (trusted != null) {
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setKeyStore(loaded(trusted));
            parameters.setTrustManagers(trustManagers);
        }
        SSLContextServerParameters server = new SSLContextServerParameters();
        server.setClientAuthentication(clientAuth.name());
        parameters.setServerParameters(server);
        return parameters;
    }

    /** A store opened (and checked) here, handed to Camel as it is. */
    private static KeyStoreParameters loaded(KeyStore store) {
        KeyStoreParameters parameters = new KeyStoreParameters();
        parameters.setKeyStore(store);
        return parameters;
    }

    private static ClientAuthentication clientAuth(String value, BiConsumer<String, String> problem) {
        String v = value == null || value.isBlank() ? "none" : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "none": return ClientAuthentication.NONE;
            case "want": return ClientAuthentication.WANT;
            case "require": return ClientAuthentication.REQUIRE;
            default:
                problem.accept("client-auth", "unknown value '" + value + "'; expected none, want or require");
                return ClientAuthentication.NONE;
        }
    }

    /** The store, or null after naming the problem (its file, its type, or a password that does not open it: never the password). */
    private static KeyStore open(String file, String type, String password, String property, BiConsumer<String, String> problem) {
        if (file == null || file.isBlank()) {
            problem.accept(property, "required");
            return null;
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance(type == null || type.isBlank() ? "PKCS12" : type.trim());
        } catch (GeneralSecurityException e) {
            problem.accept(property + "-type", "'" + type + "' is not a key store type this Java knows (PKCS12, JKS)");
            return null;
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            store.load(in, password.toCharArray());
            return store;
        } catch (IOException e) {
            boolean wrongPassword = e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password");
            problem.accept(property, wrongPassword ? "'" + file + "' cannot be opened with the password given"
                    : "cannot read '" + file + "' as a " + store.getType() + " key store (" + e.getClass().getSimpleName() + ")");
            return null;
        } catch (GeneralSecurityException | RuntimeException e) {
            problem.accept(property, "cannot read '" + file + "' as a " + store.getType() + " key store (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    private static boolean holdsPrivateKey(KeyStore store) {
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return true;
                }
            }
            return false;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
