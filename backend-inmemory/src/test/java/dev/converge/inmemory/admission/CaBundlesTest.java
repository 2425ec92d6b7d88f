package dev.converge.inmemory.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CaBundles} loads what client-go's {@code rootCertPool} loads (every {@code CERTIFICATE} block without
 * headers that parses, junk between blocks skipped) and otherwise fails with {@code createErrorParsingCAData}'s
 * first reason, block by block.
 */
class CaBundlesTest {
  @TempDir static Path dir;
  private static String pem;

  @BeforeAll
  static void certificate() throws Exception {
    pem = TestCertificates.make(dir, "ca", "CN=hooks", "SAN=dns:hooks.system.svc").pem();
  }

  private static String bundle(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void certificates_load_andJunkBetweenOrBesideThemIsSkipped() throws Exception {
    assertThat(CaBundles.certificates("")).isEmpty();
    assertThat(CaBundles.certificates(bundle(pem))).hasSize(1);
    assertThat(CaBundles.certificates(bundle("# the CA\n" + pem + pem.replace("\n", "\r\n")))).hasSize(2);
    // A bad block beside a good one: AppendCertsFromPEM trusts the good one.
    assertThat(CaBundles.certificates(bundle("-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n" + pem)))
        .hasSize(1);
  }

  @Test
  void aBundleEncodedTwice_isNoPemBlock() {
    assertThatThrownBy(() -> CaBundles.certificates(bundle(bundle(pem))))
        .isInstanceOf(CaBundles.Unusable.class).hasMessage("unable to parse bytes as PEM block");
  }

  @Test
  void blocksThatAreNotCertificates_orDoNotParse_areClientGosOtherReasons() {
    String key = "-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PRIVATE KEY-----\n";
    assertThatThrownBy(() -> CaBundles.certificates(bundle(key)))
        .hasMessage("no valid certificate authority data seen");
    String withHeaders = pem.replace("-----BEGIN CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\n");
    assertThatThrownBy(() -> CaBundles.certificates(bundle(withHeaders)))
        .hasMessage("no valid certificate authority data seen");
    assertThatThrownBy(() -> CaBundles.certificates(bundle("-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n")))
        .hasMessage("failed to parse certificate: x509: malformed certificate");
    // Trailing bytes after the blocks: pem.Decode finds no block there.
    assertThatThrownBy(() -> CaBundles.certificates(bundle(key + "junk")))
        .hasMessage("unable to parse bytes as PEM block");
  }
}
