package org.ketabridge.support;

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

/**
 * Key pairs for the SMART Backend Services tests, made at test time (never committed): the
 * JDK's keytool makes the pair and its self-signed certificate, which are written where a test
 * says (a @TempDir) as an operator would give them to the bridge: a PKCS#8 PEM private key and
 * an X.509 PEM certificate. And a TLS server's key and the trust store that trusts it (issue 14,
 * an HL7 v2 EHR over TLS).
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
     * that trusts it are given.
     */
    public record TlsFiles(Path keyStore, Path trustStore) {

        /** The server side, for a test EHR to listen with. */
        public SSLContext serverContext() {
            try {
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keyStore), PASSWORD);
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
                    "-Djavax.net.ssl.trustStorePassword=" + new String(PASSWORD));
        }
    }

    private static final char[] PASSWORD = "test-only".toCharArray();

    public static TlsFiles tlsServer(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Path store = dir.resolve(name + "-tls.p12");
            keytool(List.of("-genkeypair", "-alias", "k", "-dname", "CN=localhost", "-validity", "2",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keyalg", "RSA", "-keysize", "2048",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "test-only", "-keypass", "test-only"));
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, PASSWORD);
            trusted.setCertificateEntry(name, load(store).getCertificate("k"));
            Path trustStore = dir.resolve(name + "-trust.p12");
            try (var out = Files.newOutputStream(trustStore)) {
                trusted.store(out, PASSWORD);
            }
            return new TlsFiles(store, trustStore);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make test TLS key " + name, e);
        }
    }

    private static KeyFiles make(Path dir, String name, List<String> keyOptions) {
        try {
            Files.createDirectories(dir);
            Path store = dir.resolve(name + ".p12");
            List<String> command = new java.util.ArrayList<>(List.of(
                    "-genkeypair", "-alias", "k", "-dname", "CN=ketabridge test " + name, "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "test-only", "-keypass", "test-only"));
            command.addAll(keyOptions);
            keytool(command);
            KeyStore keys = load(store);
            PrivateKey privateKey = (PrivateKey) keys.getKey("k", PASSWORD);
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

    /** Runs the JDK's keytool with these arguments. */
    private static void keytool(List<String> args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(args);
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    private static KeyStore load(Path store) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        return keys;
    }

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + label + "-----\n";
    }
}
