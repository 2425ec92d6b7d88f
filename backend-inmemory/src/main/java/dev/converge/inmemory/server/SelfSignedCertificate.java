package dev.converge.inmemory.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A self-signed certificate for {@code 127.0.0.1} and {@code localhost} (EC P-256, ECDSA with SHA-256) that is its own
 * certificate authority, and its private key.
 *
 * <p>The JDK has no public API that makes certificates, so the X.509 structure is written here in DER (RFC 5280):
 * version 3, a random serial, subject and issuer {@code CN=converge}, validity 2000-01-01 to 2099-12-31 (fixed, so
 * no clock is read), the subject alternative names, and {@code basicConstraints CA:TRUE} so that the certificate is
 * its own trust anchor.
 */
public final class SelfSignedCertificate {
  private static final byte[] ECDSA_SHA256 = oid(1, 2, 840, 10045, 4, 3, 2);
  private static final byte[] COMMON_NAME = oid(2, 5, 4, 3);
  private static final byte[] SUBJECT_ALT_NAME = oid(2, 5, 29, 17);
  private static final byte[] BASIC_CONSTRAINTS = oid(2, 5, 29, 19);

  private final X509Certificate certificate;
  private final PrivateKey key;

  private SelfSignedCertificate(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /**
   * The certificate authority of in-memory clusters, which the root CA publisher puts in every namespace's {@code
   * kube-root-ca.crt}: one for every cluster and every run, drawn from a fixed seed so that clusters stay
   * deterministic, its key thrown away. Nothing verifies with it, as simulated pods run no processes; a cluster served
   * over TLS ({@code converge serve}) presents its own fresh certificate instead, which its kubeconfig trusts.
   */
  public static String inMemoryClusterCa() {
    return ClusterCa.PEM;
  }

  /** Made on first use: a key pair and a signature cost a few milliseconds. */
  private static final class ClusterCa {
    static final String PEM = seeded().pem();

    private static SelfSignedCertificate seeded() {
      try {
        // SHA1PRNG seeded before its first use gives the same bytes on every run.
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed("converge in-memory cluster CA".getBytes(StandardCharsets.US_ASCII));
        return generate(random);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A new certificate whose key, serial and signature are drawn from {@code random}. */
  public static SelfSignedCertificate generate(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair keys = generator.generateKeyPair();
      byte[] serial = new byte[16];
      random.nextBytes(serial);
      serial[0] &= 0x7F;
      byte[] tbs = tbsCertificate(serial, keys.getPublic().getEncoded());
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate(), random);
      signer.update(tbs);
      byte[] der = sequence(tbs, sequence(ECDSA_SHA256), bitString(signer.sign()));
      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(der));
      return new SelfSignedCertificate(certificate, keys.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a certificate", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey privateKey() {
    return key;
  }

  /** The certificate in PEM, as kubeconfigs carry it (base64 of this in {@code certificate-authority-data}). */
  public String pem() {
    try {
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(certificate.getEncoded());
      return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] tbsCertificate(byte[] serial, byte[] subjectPublicKeyInfo) {
    byte[] name = sequence(set(sequence(COMMON_NAME, tlv(0x0C, "converge".getBytes(StandardCharsets.UTF_8)))));
    byte[] validity = sequence(tlv(0x17, ascii("000101000000Z")), tlv(0x18, ascii("20991231235959Z")));
    byte[] altNames = sequence(tlv(0x87, new byte[] {127, 0, 0, 1}), tlv(0x82, ascii("localhost")));
    byte[] extensions = tlv(0xA3, sequence(
        sequence(SUBJECT_ALT_NAME, tlv(0x04, altNames)),
        sequence(BASIC_CONSTRAINTS, tlv(0x01, new byte[] {(byte) 0xFF}),
            tlv(0x04, sequence(tlv(0x01, new byte[] {(byte) 0xFF}))))));
    return sequence(tlv(0xA0, tlv(0x02, new byte[] {2})), tlv(0x02, serial), sequence(ECDSA_SHA256), name, validity,
        name, subjectPublicKeyInfo, extensions);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] sequence(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  private static byte[] set(byte[]... parts) {
    return tlv(0x31, concat(parts));
  }

  private static byte[] bitString(byte[] bits) {
    byte[] content = new byte[bits.length + 1];
    System.arraycopy(bits, 0, content, 1, bits.length);
    return tlv(0x03, content);
  }

  /** An object identifier: the first two arcs in one byte, then base-128 arcs. */
  private static byte[] oid(int... arcs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(arcs[0] * 40 + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      int arc = arcs[i];
      int shift = 28;
      while (shift > 0 && (arc >>> shift) == 0) {
        shift -= 7;
      }
      for (; shift > 0; shift -= 7) {
        out.write(0x80 | ((arc >>> shift) & 0x7F));
      }
      out.write(arc & 0x7F);
    }
    return tlv(0x06, out.toByteArray());
  }

  /** Tag, DER length (short or long form), value. */
  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = value.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((length >>> (8 * i)) & 0xFF);
      }
    }
    out.write(value, 0, value.length);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part, 0, part.length);
    }
    return out.toByteArray();
  }
}
