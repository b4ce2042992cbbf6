package org.ketabridge.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key pairs made at test time (never committed): the JDK's keytool makes the pair and its
 * self-signed certificate, written where a test says (a @TempDir) as an operator would give them
 * to the bridge: for SMART Backend Services a PKCS#8 PEM private key and an X.509 PEM
 * certificate; for TLS (the HL7 listener) a PKCS12 key store, a trust store, and a client's
 * context trusting them.
 */
public final class TestKeys {

    /** The files of one key pair. */
    public record KeyFiles(Path privateKey, Path certificate) {
    }

    private TestKeys() {
    }

    public static KeyFiles rsa(Path dir, String name, int bits) {
        return make(dir, name, List.of("-keyalg", "RSA", "-keysize", String.valueOf(bits), "-sigalg", "SHA384withRSA"));
    }

    public static KeyFiles ecP384(Path dir, String name) {
        return make(dir, name, List.of("-keyalg", "EC", "-groupname", "secp384r1", "-sigalg", "SHA384withECDSA"));
    }

    public static KeyFiles ecP256(Path dir, String name) {
        return make(dir, name, List.of("-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA"));
    }

    /**
     * A TLS server's key (RSA, its self-signed certificate for localhost) in a PKCS#12 key store,
     * and a trust store holding that certificate only: what an EHR's MLLP listener and the bridge
     * that trusts it are given (issue 14, an HL7 v2 EHR over TLS).
     */
    public record TlsFiles(Path keyStore, Path trustStore) {

        public String password() {
            return TLS_PASSWORD;
        }

        /** The server side, for a test EHR to listen with. */
        public SSLContext serverContext() {
            try {
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keyStore, TLS_PASSWORD), TLS_PASSWORD.toCharArray());
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(keys.getKeyManagers(), null, null);
                return tls;
            } catch (Exception e) {
                throw new IllegalStateException("cannot make the test TLS server's context", e);
            }
        }

        /** The JVM options that make a process (a bridge) trust this certificate, and only it. */
        public List<String> trustedByJvmOptions() {
            return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStoreType=PKCS12",
                    "-Djavax.net.ssl.trustStorePassword=" + TLS_PASSWORD);
        }
    }

    private static final String TLS_PASSWORD = "test-only";

    public static TlsFiles tlsServer(Path dir, String name) {
        return tlsServer(dir, name, "dns:localhost,ip:127.0.0.1");
    }

    /** {@link #tlsServer(Path, String)} with a certificate for other names ({@code subjectAltNames} as keytool's SAN). */
    public static TlsFiles tlsServer(Path dir, String name, String subjectAltNames) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Path keyStore = keytool(dir, name + "-tls", TLS_PASSWORD,
                List.of("-keyalg", "RSA", "-keysize", "2048", "-ext", "SAN=" + subjectAltNames));
        return new TlsFiles(keyStore, trustStore(dir, name + "-trust", TLS_PASSWORD, keyStore));
    }

    private static KeyFiles make(Path dir, String name, List<String> keyOptions) {
        try {
            Path store = keytool(dir, name, "test-only", keyOptions);
            char[] pass = "test-only".toCharArray();
            KeyStore keys = load(store, "test-only");
            PrivateKey privateKey = (PrivateKey) keys.getKey("k", pass);
            Certificate certificate = keys.getCertificate("k");
            Files.delete(store);
            Path keyFile = dir.resolve(name + ".key.pem");
            Path certFile = dir.resolve(name + ".crt.pem");
            Files.writeString(keyFile, pem("PRIVATE KEY", privateKey.getEncoded()));
            Files.writeString(certFile, pem("CERTIFICATE", certificate.getEncoded()));
            return new KeyFiles(keyFile, certFile);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make test key " + name, e);
        }
    }

    /**
     * A PKCS12 key store as an operator gives one to a TLS server (or a client presenting a
     * certificate): an RSA key and its self-signed certificate for localhost, opened by {@code password}.
     */
    public static Path tlsKeyStore(Path dir, String name, String password) {
        return keytool(dir, name, password, List.of("-keyalg", "RSA", "-keysize", "2048", "-ext", "SAN=dns:localhost,ip:127.0.0.1"));
    }

    /** A PKCS12 trust store holding the certificate of each key store given (all opened by {@code password}). */
    public static Path trustStore(Path dir, String name, String password, Path... keyStores) {
        try {
            Path file = dir.resolve(name + ".p12");
            try (var out = Files.newOutputStream(file)) {
                trusting(password, keyStores).store(out, password.toCharArray());
            }
            return file;
        } catch (Exception e) {
            throw new IllegalStateException("cannot make trust store " + name, e);
        }
    }

    /**
     * A TLS client's context: trusting the certificate of the key store {@code server}, and
     * presenting the key of {@code own} when not null (both opened by {@code password}).
     */
    public static SSLContext tlsClient(Path server, Path own, String password) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusting(password, server));
            KeyManagerFactory keys = null;
            if (own != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(own, password), password.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a TLS client context", e);
        }
    }

    private static Path keytool(Path dir, String name, String password, List<String> keyOptions) {
        try {
            Files.createDirectories(dir);
            Path store = dir.resolve(name + ".p12");
            List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "k", "-dname", "CN=ketabridge test " + name, "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", password, "-keypass", password));
            command.addAll(keyOptions);
            Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            return store;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run keytool for " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted making " + name, e);
        }
    }

    private static KeyStore trusting(String password, Path... keyStores) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (int i = 0; i < keyStores.length; i++) {
            trusted.setCertificateEntry("trusted-" + i, load(keyStores[i], password).getCertificate("k"));
        }
        return trusted;
    }

    private static KeyStore load(Path store, String password) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, password.toCharArray());
        }
        return keys;
    }

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + label + "-----\n";
    }
}
