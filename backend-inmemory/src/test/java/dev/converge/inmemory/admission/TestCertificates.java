package dev.converge.inmemory.admission;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Self-signed certificates made by the running JDK's {@code keytool}, for tests of certificate handling. */
final class TestCertificates {
  private TestCertificates() {}

  /** A certificate and its PEM. */
  record Made(X509Certificate certificate, String pem) {}

  /**
   * Makes a certificate in {@code dir}.
   *
   * @param subject its distinguished name ({@code CN=hooks})
   * @param sans keytool's {@code -ext} value ({@code SAN=dns:localhost,ip:127.0.0.1}), or null for none
   */
  static Made make(Path dir, String alias, String subject, @Nullable String sans) throws Exception {
    Path store = dir.resolve(alias + ".p12");
    Path pem = dir.resolve(alias + ".pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> generate = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC",
        "-validity", "2", "-dname", subject, "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit"));
    if (sans != null) {
      generate.addAll(List.of("-ext", sans));
    }
    run(generate);
    run(List.of(keytool, "-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(), "-storepass",
        "changeit", "-file", pem.toString()));
    try (InputStream in = Files.newInputStream(pem)) {
      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return new Made(certificate, Files.readString(pem, StandardCharsets.US_ASCII));
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }
}
