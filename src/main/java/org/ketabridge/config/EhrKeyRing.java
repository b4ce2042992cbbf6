package org.ketabridge.config;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys the bridge signs client assertions with (issue 13, SMART Backend Services): read
 * from their files once at start-up, checked (PKCS#8 private key, X.509 certificate, the two
 * one pair, RS384 with RSA of 2048 bits or more, ES384 with P-384), and kept by kid. A kid names
 * one key across the whole bridge, since every key is published in one JWK Set.
 */
final class EhrKeyRing {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");

    /** A key loaded, and where it was configured (for the duplicate-kid message). */
    private record Entry(JWK key, String where) {
    }

    private final Map<String, Entry> byKid = new LinkedHashMap<>();

    /** Every key loaded, shared and per clinic, once per kid (private parts included). */
    List<JWK> all() {
        return byKid.values().stream().map(Entry::key).toList();
    }

    /**
     * Loads a list of keys ({@code bridge.ehr-keys} or a clinic's {@code ehr.keys}) and returns the
     * one that signs, or null (with a problem reported) when the list has none that can.
     * {@code problem} takes the property (relative to {@code property}'s owner) and the reason.
     */
    JWK load(List<EhrKeyProperties> keys, String property, String where, BiConsumer<String, String> problem) {
        List<JWK> signing = new ArrayList<>();
        List<String> signingKids = new ArrayList<>();
        boolean anyBroken = false;
        for (int i = 0; i < keys.size(); i++) {
            EhrKeyProperties k = keys.get(i);
            String at = property + "[" + i + "].";
            String named = at.substring(0, at.length() - 1);
            JWK jwk = loadOne(k, at, where.isEmpty() ? named : where + ": " + named, problem);
            if (jwk == null) {
                anyBroken = true;
                continue;
            }
            boolean signs = k.getSigning() != null ? k.getSigning() : keys.size() == 1;
            if (signs) {
                signing.add(jwk);
                signingKids.add(jwk.getKeyID());
            }
        }
        if (anyBroken) {
            return null;
        }
        if (signing.size() != 1) {
            problem.accept(property, signing.isEmpty()
                    ? "no key signs: set signing: true on exactly one (the others are only published, for rotation)"
                    : "keys " + signingKids + " all have signing: true; exactly one signs (the others are only published, for rotation)");
            return null;
        }
        return signing.get(0);
    }

    private JWK loadOne(EhrKeyProperties k, String at, String where, BiConsumer<String, String> problem) {
        int[] found = {0};
        BiConsumer<String, String> counting = (p, reason) -> {
            found[0]++;
            problem.accept(p, reason);
        };
        if (k.getKid() == null || k.getKid().isBlank()) {
            counting.accept(at + "kid", "required: the key id the EHR finds this key under in the bridge's JWK Set");
        }
        PrivateKey privateKey = null;
        X509Certificate certificate = null;
        String alg = k.getAlg() == null ? null : k.getAlg().trim().toUpperCase(Locale.ROOT);
        if (alg != null && !alg.equals("RS384") && !alg.equals("ES384")) {
            counting.accept(at + "alg", "'" + k.getAlg() + "' is not RS384 or ES384 (the algorithms SMART Backend Services allows)");
            alg = null;
        }
        if (k.getCertificateFile() == null || k.getCertificateFile().isBlank()) {
            counting.accept(at + "certificate-file", "required: the X.509 PEM certificate of the key's public part");
        } else {
            certificate = certificate(k.getCertificateFile(), at + "certificate-file", counting);
        }
        if (certificate != null && alg == null && k.getAlg() == null) {
            alg = certificate.getPublicKey() instanceof ECPublicKey ? "ES384" : "RS384";
        }
        if (k.getPrivateKeyFile() == null || k.getPrivateKeyFile().isBlank()) {
            counting.accept(at + "private-key-file", "required: the PKCS#8 PEM file of the private key");
        } else if (alg != null) {
            String keyType = certificate != null ? certificate.getPublicKey().getAlgorithm() : alg.startsWith("RS") ? "RSA" : "EC";
            privateKey = privateKey(k.getPrivateKeyFile(), keyType, at + "private-key-file", counting);
        }
        if (found[0] > 0 || certificate == null || privateKey == null || alg == null) {
            return null;
        }
        JWK jwk = jwk(k.getKid().trim(), alg, certificate.getPublicKey(), privateKey, at, counting);
        if (jwk == null) {
            return null;
        }
        Entry earlier = byKid.get(jwk.getKeyID());
        if (earlier != null && !earlier.key().toPublicJWK().equals(jwk.toPublicJWK())) {
            counting.accept(at + "kid", "'" + jwk.getKeyID() + "' is already the kid of another key (" + earlier.where()
                    + "); a kid names one key in the bridge's JWK Set");
            return null;
        }
        byKid.putIfAbsent(jwk.getKeyID(), new Entry(jwk, where));
        return jwk;
    }

    private static JWK jwk(String kid, String alg, PublicKey publicKey, PrivateKey privateKey, String at,
                           BiConsumer<String, String> problem) {
        try {
            if (alg.equals("RS384")) {
                if (!(publicKey instanceof RSAPublicKey rsa)) {
                    problem.accept(at + "alg", "RS384 needs an RSA key; the certificate's key is " + publicKey.getAlgorithm());
                    return null;
                }
                if (rsa.getModulus().bitLength() < 2048) {
                    problem.accept(at + "certificate-file", "the RSA key has " + rsa.getModulus().bitLength()
                            + " bits; at least 2048 are needed");
                    return null;
                }
                if (!samePair(privateKey, publicKey, "SHA384withRSA")) {
                    problem.accept(at + "private-key-file", "is not the private key of the certificate's public key");
                    return null;
                }
                return new RSAKey.Builder(rsa).privateKey(privateKey).keyID(kid)
                        .algorithm(JWSAlgorithm.RS384).keyUse(KeyUse.SIGNATURE).build();
            }
            if (!(publicKey instanceof ECPublicKey ec)) {
                problem.accept(at + "alg", "ES384 needs an EC key on P-384; the certificate's key is " + publicKey.getAlgorithm());
                return null;
            }
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (!Curve.P_384.equals(curve)) {
                problem.accept(at + "certificate-file", "ES384 needs an EC key on P-384; this one is on " + (curve == null ? "another curve" : curve));
                return null;
            }
            if (!samePair(privateKey, publicKey, "SHA384withECDSA")) {
                problem.accept(at + "private-key-file", "is not the private key of the certificate's public key");
                return null;
            }
            return new ECKey.Builder(Curve.P_384, ec).privateKey(privateKey).keyID(kid)
                    .algorithm(JWSAlgorithm.ES384).keyUse(KeyUse.SIGNATURE).build();
        } catch (GeneralSecurityException e) {
            problem.accept(at + "private-key-file", "cannot be used to sign (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    /** Signs a probe with the private key and checks it with the certificate's public key. */
    private static boolean samePair(PrivateKey privateKey, PublicKey publicKey, String algorithm) throws GeneralSecurityException {
        byte[] probe = "ketabridge key pair check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(privateKey);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(probe);
        return verifier.verify(signature);
    }

    private static X509Certificate certificate(String file, String property, BiConsumer<String, String> problem) {
        String text = read(file, property, problem);
        if (text == null) {
            return null;
        }
        Matcher pem = PEM.matcher(text);
        if (!pem.find() || !pem.group(1).equals("CERTIFICATE")) {
            problem.accept(property, "'" + file + "' is not a PEM certificate (-----BEGIN CERTIFICATE-----)");
            return null;
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            problem.accept(property, "'" + file + "' is not a readable X.509 certificate");
            return null;
        }
    }

    private static PrivateKey privateKey(String file, String keyType, String property, BiConsumer<String, String> problem) {
        String text = read(file, property, problem);
        if (text == null) {
            return null;
        }
        Matcher pem = PEM.matcher(text);
        if (!pem.find()) {
            problem.accept(property, "'" + file + "' is not a PEM file");
            return null;
        }
        String label = pem.group(1);
        if (!label.equals("PRIVATE KEY")) {
            problem.accept(property, "'" + file + "' holds a '" + label + "'; a PKCS#8 key (BEGIN PRIVATE KEY, unencrypted) is"
                    + " needed: convert it with openssl pkcs8 -topk8 -nocrypt");
            return null;
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
            return KeyFactory.getInstance(keyType).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            problem.accept(property, "'" + file + "' is not a readable " + keyType + " private key");
            return null;
        }
    }

    /** The file's text; its content is never quoted in a message (it may be a private key). */
    private static String read(String file, String property, BiConsumer<String, String> problem) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            problem.accept(property, "cannot read '" + file + "'");
            return null;
        }
    }
}
