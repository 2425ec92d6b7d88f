package dev.converge.inmemory.http;

import dev.converge.inmemory.server.SelfSignedCertificate;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A fresh self-signed certificate for {@code 127.0.0.1} and {@code localhost} ({@link SelfSignedCertificate}) and
 * the TLS context that serves it. kubectl needs TLS: client-go's {@code clientcmd} sends a kubeconfig's token only
 * to an {@code https} server. The kubeconfig trusts exactly this certificate ({@code certificate-authority-data}),
 * so nothing is skipped and nothing is shared between runs: the key is drawn from a {@link SecureRandom} and never
 * leaves the process.
 */
final class SelfSignedTls {
  private final SSLContext context;
  private final SelfSignedCertificate certificate;

  private SelfSignedTls(SSLContext context, SelfSignedCertificate certificate) {
    this.context = context;
    this.certificate = certificate;
  }

  static SelfSignedTls create() {
    try {
      SelfSignedCertificate certificate = SelfSignedCertificate.generate(new SecureRandom());
      char[] password = "converge".toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("converge", certificate.privateKey(), password, new Certificate[] {certificate.certificate()});
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), null, null);
      return new SelfSignedTls(context, certificate);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot create the TLS certificate", e);
    }
  }

  SSLContext context() {
    return context;
  }

  X509Certificate certificate() {
    return certificate.certificate();
  }

  /** The certificate in PEM, as kubeconfigs carry it (base64 of this in {@code certificate-authority-data}). */
  String pem() {
    return certificate.pem();
  }
}
