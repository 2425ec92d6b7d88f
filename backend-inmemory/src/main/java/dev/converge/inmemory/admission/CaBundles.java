package dev.converge.inmemory.admission;

import dev.converge.inmemory.schema.GoBase64;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A webhook's {@code caBundle} read as client-go reads it when kube-apiserver builds the webhook's REST client
 * ({@code rootCertPool}, then {@code createErrorParsingCAData} when no certificate loads): PEM blocks of type
 * {@code CERTIFICATE} without headers, each parsed as X.509. A bundle from which no certificate loads fails with
 * client-go's words: {@code unable to parse bytes as PEM block} (what a bundle encoded twice gives), {@code failed to
 * parse certificate: x509: malformed certificate}, or {@code no valid certificate authority data seen}. The X.509
 * error is always Go's {@code malformed certificate}: the JDK's parser does not say what Go's would.
 */
final class CaBundles {
  /** A PEM block: its type line, optional {@code Key: value} headers, base64 lines, its end line. */
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([^\\r\\n]*?)-----\\r?\\n((?:[^\\r\\n:]+:[^\\r\\n]*\\r?\\n)*)\\r?\\n?([\\s\\S]*?)\\r?\\n?-----END \\1-----[ \\t]*(?:\\r?\\n|$)");

  private static final int MAX_READ = 256;
  private static final Map<String, Read> READ = new ConcurrentHashMap<>();

  private CaBundles() {}

  /** A bundle from which no certificate loads, with client-go's reason. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    Unusable(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * The certificates of {@code caBundle}.
   *
   * @param caBundle a configuration's {@code caBundle}: base64 of PEM; empty for none
   * @return the certificates that load, in order (empty for an empty bundle: the system's roots are used)
   * @throws Unusable when the bundle is not empty and no certificate loads
   */
  static List<X509Certificate> certificates(String caBundle) throws Unusable {
    if (caBundle.isEmpty()) {
      return List.of();
    }
    // Every call of a webhook reads its bundle: read each bundle once (a server sees few; the memo starts over if
    // it ever holds many).
    Read read = READ.get(caBundle);
    if (read == null) {
      if (READ.size() >= MAX_READ) {
        READ.clear();
      }
      read = read(caBundle);
      READ.put(caBundle, read);
    }
    if (read.problem() != null) {
      throw new Unusable(read.problem());
    }
    return read.certificates();
  }

  /** What reading one bundle gave: its certificates, or client-go's reason none loaded. */
  private record Read(List<X509Certificate> certificates, @Nullable String problem) {}

  private static Read read(String caBundle) {
    try {
      return new Read(List.copyOf(load(caBundle)), null);
    } catch (Unusable e) {
      return new Read(List.of(), e.getMessage());
    }
  }

  private static List<X509Certificate> load(String caBundle) throws Unusable {
    String pem;
    try {
      pem = new String(Base64.getMimeDecoder().decode(caBundle), StandardCharsets.ISO_8859_1);
    } catch (IllegalArgumentException e) {
      // The server refuses such a bundle when the configuration is written (it must be base64).
      throw new Unusable("unable to parse bytes as PEM block");
    }
    // AppendCertsFromPEM: every block that parses is trusted; the others are skipped.
    List<X509Certificate> loaded = new ArrayList<>();
    for (Block block : blocks(pem)) {
      if (block.isCertificate()) {
        X509Certificate certificate = parse(block.der());
        if (certificate != null) {
          loaded.add(certificate);
        }
      }
    }
    if (!loaded.isEmpty()) {
      return loaded;
    }
    // createErrorParsingCAData: the first thing wrong, block by block.
    int at = 0;
    Matcher matcher = BLOCK.matcher(pem);
    while (at < pem.length()) {
      Block block = next(matcher, pem, at);
      if (block == null) {
        throw new Unusable("unable to parse bytes as PEM block");
      }
      at = block.end();
      if (block.isCertificate() && parse(block.der()) == null) {
        throw new Unusable("failed to parse certificate: x509: malformed certificate");
      }
    }
    throw new Unusable("no valid certificate authority data seen");
  }

  private record Block(String type, boolean hasHeaders, byte[] der, int end) {
    boolean isCertificate() {
      return type.equals("CERTIFICATE") && !hasHeaders;
    }
  }

  private static List<Block> blocks(String pem) {
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(pem);
    for (@Nullable Block block = next(matcher, pem, 0); block != null; block = next(matcher, pem, block.end())) {
      blocks.add(block);
    }
    return blocks;
  }

  /** pem.Decode: the first well-formed block at or after {@code from} (junk before it skipped), or null. */
  private static @Nullable Block next(Matcher matcher, String pem, int from) {
    int search = from;
    while (search < pem.length() && matcher.find(search)) {
      String body = matcher.group(3).replaceAll("[ \\t]", ""); // removeSpacesAndTabs; line breaks Go skips
      if (GoBase64.corruptAt(body) < 0) {
        byte[] der = Base64.getMimeDecoder().decode(body);
        return new Block(matcher.group(1), !matcher.group(2).isEmpty(), der, matcher.end());
      }
      search = matcher.start() + 1; // not a block: look for the next BEGIN line
    }
    return null;
  }

  private static @Nullable X509Certificate parse(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      return null;
    }
  }
}
