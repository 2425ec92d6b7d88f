package dev.converge.inmemory.admission;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/**
 * Whether a webhook server's certificate is valid for the name kube-apiserver expects, checked and worded as Go's
 * {@code crypto/x509} checks it ({@code Certificate.VerifyHostname}, {@code HostnameError.Error}): only subject
 * alternative names count, a DNS name matches case-insensitively with a {@code *} only as the whole leftmost label
 * (standing for exactly one label), and an IP address matches the certificate's IP addresses. The expected name is
 * the URL's host for a {@code clientConfig.url}, and {@code <service>.<namespace>.svc} for a {@code
 * clientConfig.service} (the webhook client's {@code TLSClientConfig.ServerName}), wherever the connection goes.
 */
final class ServerNames {
  private static final int DNS = 2;
  private static final int IP = 7;

  private ServerNames() {}

  /** A certificate not valid for the expected name; its message is Go's {@code HostnameError}. */
  static final class Mismatch extends CertificateException {
    private static final long serialVersionUID = 1L;

    Mismatch(String message) {
      super(message);
    }
  }

  /**
   * Checks that {@code certificate} is valid for {@code host}.
   *
   * @param certificate the server's leaf certificate
   * @param host a DNS name or an IP address literal
   * @throws Mismatch when it is not, worded as Go words it
   * @throws CertificateException when its names cannot be read
   */
  static void verify(X509Certificate certificate, String host) throws CertificateException {
    List<String> dnsNames = new ArrayList<>();
    List<String> ipAddresses = new ArrayList<>();
    boolean hasSans = sans(certificate, dnsNames, ipAddresses);
    @Nullable InetAddress ip = ipLiteral(host);
    if (ip != null) {
      for (String san : ipAddresses) {
        if (ip.equals(ipLiteral(san))) {
          return;
        }
      }
    } else {
      for (String pattern : dnsNames) {
        if (matches(pattern, host)) {
          return;
        }
      }
    }
    throw new Mismatch(message(certificate, host, ip != null, hasSans, dnsNames, ipAddresses));
  }

  private static String message(X509Certificate certificate, String host, boolean isIp, boolean hasSans,
      List<String> dnsNames, List<String> ipAddresses) {
    String commonName = commonName(certificate.getSubjectX500Principal());
    if (!hasSans && commonName != null && matches(commonName, host)) {
      return "x509: certificate relies on legacy Common Name field, use SANs instead";
    }
    String valid;
    if (isIp) {
      if (ipAddresses.isEmpty()) {
        return "x509: cannot validate certificate for " + host + " because it doesn't contain any IP SANs";
      }
      valid = String.join(", ", ipAddresses);
    } else {
      valid = String.join(", ", dnsNames);
    }
    if (valid.isEmpty()) {
      return "x509: certificate is not valid for any names, but wanted to match " + host;
    }
    return "x509: certificate is valid for " + valid + ", not " + host;
  }

  /** Fills the certificate's DNS names and IP addresses; returns whether it has a subject alternative name extension. */
  private static boolean sans(X509Certificate certificate, List<String> dnsNames, List<String> ipAddresses)
      throws CertificateParsingException {
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    if (names == null) {
      return false;
    }
    for (List<?> name : names) {
      if (name.size() < 2 || !(name.get(0) instanceof Integer type) || !(name.get(1) instanceof String value)) {
        continue;
      }
      if (type == DNS) {
        dnsNames.add(value);
      } else if (type == IP) {
        ipAddresses.add(value);
      }
    }
    return true;
  }

  /**
   * Go's {@code matchHostnames}: labels compared case-insensitively after the host's trailing dot is dropped,
   * {@code *} matching one whole label and only as the leftmost label of a pattern.
   */
  static boolean matches(String pattern, String host) {
    String p = pattern.toLowerCase(Locale.ROOT);
    String h = (host.endsWith(".") ? host.substring(0, host.length() - 1) : host).toLowerCase(Locale.ROOT);
    if (p.isEmpty() || h.isEmpty()) {
      return false;
    }
    String[] patternLabels = p.split("\\.", -1);
    String[] hostLabels = h.split("\\.", -1);
    if (patternLabels.length != hostLabels.length) {
      return false;
    }
    for (int i = 0; i < patternLabels.length; i++) {
      if (i == 0 && patternLabels[i].equals("*")) {
        continue;
      }
      if (!patternLabels[i].equals(hostLabels[i])) {
        return false;
      }
    }
    return true;
  }

  /** The address of an IPv4 or IPv6 literal (brackets allowed), or null for a DNS name; never looks a name up. */
  static @Nullable InetAddress ipLiteral(String host) {
    String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean v4 = literal.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = literal.indexOf(':') >= 0 && literal.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static @Nullable String commonName(X500Principal subject) {
    for (String part : subject.getName(X500Principal.RFC2253).split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return null;
  }
}
