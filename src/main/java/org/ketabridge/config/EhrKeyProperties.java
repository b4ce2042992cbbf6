package org.ketabridge.config;

/**
 * One key pair the bridge signs its client assertions with (SMART Backend Services), as the
 * operator wrote it under {@code bridge.ehr-keys} (shared by every clinic) or a clinic's
 * {@code ehr.keys}. The private key and the certificate are files, never values in the
 * configuration: a PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}) and the X.509 PEM
 * certificate of its public key (what Epic asks for). Every configured key is published in the
 * bridge's JWK Set; exactly one of a list signs ({@code signing: true}), so a new key can be
 * published before it is used and an old one kept until the EHRs have stopped caching it.
 */
public class EhrKeyProperties {

    private String kid;
    private String privateKeyFile;
    private String certificateFile;
    private String alg;
    private Boolean signing;

    public String getKid() { return kid; }
    public void setKid(String kid) { this.kid = kid; }
    public String getPrivateKeyFile() { return privateKeyFile; }
    public void setPrivateKeyFile(String privateKeyFile) { this.privateKeyFile = privateKeyFile; }
    public String getCertificateFile() { return certificateFile; }
    public void setCertificateFile(String certificateFile) { this.certificateFile = certificateFile; }
    /** RS384 or ES384; when not given, RS384 for an RSA key and ES384 for a P-384 key. */
    public String getAlg() { return alg; }
    public void setAlg(String alg) { this.alg = alg; }
    /** Whether this key signs; when not given, a key that is alone in its list signs. */
    public Boolean getSigning() { return signing; }
    public void setSigning(Boolean signing) { this.signing = signing; }
}
