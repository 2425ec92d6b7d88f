package dev.converge.inmemory.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServerNames} against certificates made by the JDK's {@code keytool}, with Go's {@code crypto/x509}
 * messages ({@code HostnameError.Error}): the names a certificate is valid for are its subject alternative names,
 * DNS names for a DNS host and IP addresses for an IP host; a certificate with none falls back to nothing, and one
 * whose common name would have matched is told it relies on the legacy field.
 */
class ServerNamesTest {
  @TempDir static Path dir;
  private static X509Certificate loopback;
  private static X509Certificate commonNameOnly;
  private static X509Certificate wildcard;

  @BeforeAll
  static void certificates() throws Exception {
    loopback = certificate("loopback", "CN=127.0.0.1", "SAN=dns:localhost,ip:127.0.0.1");
    commonNameOnly = certificate("legacy", "CN=hooks.system.svc", null);
    wildcard = certificate("wildcard", "CN=hooks", "SAN=dns:*.system.svc,dns:hooks.system.svc.cluster.local");
  }

  @Test
  void dnsNames_matchCaseInsensitively_withAWildcardForTheWholeLeftmostLabelOnly() {
    assertThat(ServerNames.matches("*.system.svc", "hooks.system.svc")).isTrue();
    assertThat(ServerNames.matches("*.system.svc", "a.hooks.system.svc")).isFalse();
    assertThat(ServerNames.matches("*.system.svc", "system.svc")).isFalse();
    assertThat(ServerNames.matches("hooks.*.svc", "hooks.system.svc")).isFalse();
    assertThat(ServerNames.matches("Hooks.System.SVC", "hooks.system.svc")).isTrue();
    assertThat(ServerNames.matches("hooks.system.svc", "hooks.system.svc.")).isTrue();
    assertThat(ServerNames.matches("h*.system.svc", "hooks.system.svc")).isFalse();
  }

  @Test
  void aCertificateForOtherNames_isRefusedWithTheNamesItIsValidFor() {
    assertThatCode(() -> ServerNames.verify(loopback, "localhost")).doesNotThrowAnyException();
    assertThatCode(() -> ServerNames.verify(loopback, "127.0.0.1")).doesNotThrowAnyException();
    assertThatCode(() -> ServerNames.verify(wildcard, "hooks.system.svc")).doesNotThrowAnyException();

    assertThatThrownBy(() -> ServerNames.verify(loopback, "hooks.system.svc"))
        .isInstanceOf(ServerNames.Mismatch.class)
        .hasMessage("x509: certificate is valid for localhost, not hooks.system.svc");
    assertThatThrownBy(() -> ServerNames.verify(loopback, "10.96.0.12"))
        .hasMessage("x509: certificate is valid for 127.0.0.1, not 10.96.0.12");
    assertThatThrownBy(() -> ServerNames.verify(wildcard, "hooks.other.svc"))
        .hasMessage("x509: certificate is valid for *.system.svc, hooks.system.svc.cluster.local, not hooks.other.svc");
  }

  @Test
  void anIpHost_needsAnIpSan() {
    assertThatThrownBy(() -> ServerNames.verify(wildcard, "127.0.0.1"))
        .hasMessage("x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs");
  }

  @Test
  void aCertificateWithoutSans_isValidForNoName_andToldWhenOnlyItsCommonNameWouldMatch() {
    assertThatThrownBy(() -> ServerNames.verify(commonNameOnly, "hooks.system.svc"))
        .hasMessage("x509: certificate relies on legacy Common Name field, use SANs instead");
    assertThatThrownBy(() -> ServerNames.verify(commonNameOnly, "other.system.svc"))
        .hasMessage("x509: certificate is not valid for any names, but wanted to match other.system.svc");
  }

  @Test
  void ipLiterals_areParsedWithoutLookingNamesUp() {
    assertThat(ServerNames.ipLiteral("127.0.0.1")).isNotNull();
    assertThat(ServerNames.ipLiteral("[::1]")).isNotNull();
    assertThat(ServerNames.ipLiteral("localhost")).isNull();
    assertThat(ServerNames.ipLiteral("hooks.system.svc")).isNull();
  }

  private static X509Certificate certificate(String alias, String subject, String sans) throws Exception {
    return TestCertificates.make(dir, alias, subject, sans).certificate();
  }
}
