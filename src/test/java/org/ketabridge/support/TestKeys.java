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

/**
 * Key pairs for the SMART Backend Services tests, made at test time (never committed): the
 * JDK's keytool makes the pair and its self-signed certificate, which are written where a test
 * says (a @TempDir) as an operator would give them to the bridge: a PKCS#8 PEM private key and
 * an X.509 PEM certificate.
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

    private static KeyFiles make(Path dir, String name, List<String> keyOptions) {
        try {
            Files.createDirectories(dir);
            Path store = dir.resolve(name + ".p12");
            char[] pass = "test-only".toCharArray();
            List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "k", "-dname", "CN=ketabridge test " + name, "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "test-only", "-keypass", "test-only"));
            command.addAll(keyOptions);
            Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                keys.load(in, pass);
            }
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

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + label + "-----\n";
    }
}
