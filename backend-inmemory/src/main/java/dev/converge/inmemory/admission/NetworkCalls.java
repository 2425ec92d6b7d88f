package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.inmemory.admission.WebhookClient.CallFailed;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.net.Socket;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Webhook calls over the network, as kube-apiserver makes them to a {@code clientConfig.url}, or to the address
 * behind a {@code clientConfig.service}: an HTTPS POST of the review as JSON, trusting the configuration's {@code
 * caBundle} (the JVM's trusted roots when it has none) for a certificate valid for the URL's host or the Service's
 * {@code <name>.<namespace>.svc} ({@link ServerNames}), with the webhook's timeout; failures are worded as Go's
 * net/http and client-go word them, so the webhook's failure policy and the client see what they would see from a
 * cluster:
 *
 * <ul>
 *   <li>nothing listening: {@code dial tcp 127.0.0.1:9443: connect: connection refused};
 *   <li>no answer in time: {@code context deadline exceeded};
 *   <li>a certificate the bundle does not sign: {@code tls: failed to verify certificate: x509: certificate signed
 *       by unknown authority};
 *   <li>a certificate for another name: {@code tls: failed to verify certificate: x509: certificate is valid for
 *       localhost, not webhook-service.system.svc};
 *   <li>an error status: client-go's text for it ({@code the server could not find the requested resource}, …).
 * </ul>
 *
 * <p>One HTTP client per CA bundle and expected name, kept for the server's life.
 */
final class NetworkCalls {
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

  /**
   * Posts {@code review} to {@code url}, whose certificate must be valid for the URL's host.
   *
   * @param url the webhook's URL with the {@code timeout} query kube-apiserver adds
   * @param caBundle the configuration's {@code caBundle} (base64 of PEM certificates), empty for the JVM's roots
   * @throws CallFailed when the call fails, worded as client-go words it
   */
  JsonNode post(String url, String caBundle, int timeoutSeconds, JsonNode review) {
    URI uri = URI.create(url);
    return post(uri, url, uri.getHost(), caBundle, timeoutSeconds, review);
  }

  /**
   * Posts {@code review} for a Service's {@code url} to the network address behind the Service, as the webhook
   * client dials the address its service resolver gives while it verifies the certificate for the Service's name.
   *
   * @param address {@code host:port} to connect to
   * @param url the Service's URL ({@code https://<name>.<namespace>.svc:<port><path>?timeout=10s}), whose path and
   *     query are posted to and which failures name
   * @param serverName the name the certificate must be valid for ({@code <name>.<namespace>.svc})
   * @param caBundle the configuration's {@code caBundle}, empty for the JVM's roots
   * @throws CallFailed when the call fails, worded as client-go words it
   */
  JsonNode postVia(String address, String url, String serverName, String caBundle, int timeoutSeconds,
      JsonNode review) {
    URI shown = URI.create(url);
    URI target = URI.create("https://" + address + shown.getRawPath()
        + (shown.getRawQuery() == null ? "" : "?" + shown.getRawQuery()));
    return post(target, url, serverName, caBundle, timeoutSeconds, review);
  }

  private JsonNode post(URI target, String url, String serverName, String caBundle, int timeoutSeconds,
      JsonNode review) {
    String post = "Post \"" + url + "\": ";
    HttpRequest request = HttpRequest.newBuilder(target)
        .timeout(Duration.ofSeconds(timeoutSeconds))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(review)))
        .build();
    HttpResponse<String> response;
    try {
      response = send(client(caBundle, serverName), request);
    } catch (HttpTimeoutException e) {
      throw new CallFailed(post + "context deadline exceeded");
    } catch (ConnectException e) {
      int port = target.getPort() >= 0 ? target.getPort() : 443;
      throw new CallFailed(post + "dial tcp " + target.getHost() + ":" + port + ": connect: connection refused");
    } catch (SSLHandshakeException e) {
      throw new CallFailed(post + "tls: failed to verify certificate: " + verificationFailure(e));
    } catch (IOException e) {
      // A server that closes the connection without answering is an EOF to Go's client.
      throw new CallFailed(post + (closedBeforeAnswering(e) ? "EOF" : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CallFailed(post + "context canceled");
    }
    if (response.statusCode() / 100 != 2) {
      throw new CallFailed(errorStatus(response.statusCode(), response.body()));
    }
    try {
      return Json.parse(response.body());
    } catch (RuntimeException e) {
      throw new CallFailed("couldn't get version/kind; json parse error: " + firstLine(e.getMessage()));
    }
  }

  /**
   * Sends once more, on a new connection, a request whose pooled keep-alive connection the server had closed: the
   * peer closed before answering a single byte. Go's transport watches its idle connections and drops one the
   * server closes before reusing it, so a webhook server that went away is dialed afresh there ("connection
   * refused"), where the JDK client may still pick the dead connection from its pool.
   */
  private static HttpResponse<String> send(HttpClient client, HttpRequest request)
      throws IOException, InterruptedException {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      if (!closedBeforeAnswering(e)) {
        throw e;
      }
      return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
  }

  /** Whether the JDK client saw the connection end before any byte of the response (Go: {@code io.EOF}). */
  private static boolean closedBeforeAnswering(IOException e) {
    String message = String.valueOf(e.getMessage());
    return e instanceof EOFException || message.contains("header parser received no bytes");
  }

  /** Go's words for why the certificate was refused: a name it is not valid for, else an unknown authority. */
  private static String verificationFailure(SSLHandshakeException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ServerNames.Mismatch mismatch) {
        return mismatch.getMessage();
      }
    }
    return "x509: certificate signed by unknown authority";
  }

  /**
   * What client-go reports for an error status: a {@code Status} body's message, else {@code
   * NewGenericServerResponse}'s text for the code (apimachinery's {@code errors.go}).
   */
  static String errorStatus(int code, String body) {
    try {
      JsonNode status = Json.parse(body);
      if (status.path("kind").asText().equals("Status") && !status.path("message").asText("").isEmpty()) {
        return status.path("message").asText();
      }
    } catch (RuntimeException notStatus) {
      // not JSON: the generic text below
    }
    String serverMessage = body.strip();
    return switch (code) {
      case 400 -> "the server rejected our request for an unknown reason";
      case 401 -> "the server has asked for the client to provide credentials";
      case 403, 415 -> serverMessage.isEmpty() ? generic(code) : serverMessage;
      case 404 -> "the server could not find the requested resource";
      case 405 -> "the server does not allow this method on the requested resource";
      case 406 -> "the server was unable to respond with a content type that the client supports";
      case 409 -> "the server reported a conflict";
      case 422 -> "the server rejected our request due to an error in our request";
      case 429 -> "the server has received too many requests and has asked us to try again later";
      case 503 -> "the server is currently unable to handle the request";
      case 504 -> "the server was unable to return a response in the time allotted, but may still be processing the request";
      default -> code >= 500 ? "an error on the server (\"" + serverMessage.replace("\\", "\\\\").replace("\"", "\\\"")
          + "\") has prevented the request from succeeding" : generic(code);
    };
  }

  private static String generic(int code) {
    return "the server responded with the status code " + code + " but did not return more information";
  }

  private HttpClient client(String caBundle, String serverName) {
    return clients.computeIfAbsent(caBundle + "\n" + serverName, key -> {
      SSLParameters parameters = new SSLParameters();
      if (ServerNames.ipLiteral(serverName) == null) {
        // Go sends the name it verifies as the TLS server name (SNI); the JDK would send the host it dials.
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
      }
      return HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .sslContext(sslContext(caBundle, serverName))
          .sslParameters(parameters)
          .build();
    });
  }

  /**
   * Trusts the certificates of {@code caBundle}, or the JVM's roots when it is empty, for a server whose certificate
   * is valid for {@code serverName}.
   */
  private static SSLContext sslContext(String caBundle, String serverName) {
    try {
      KeyStore trusted = null;
      if (!caBundle.isEmpty()) {
        trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        int i = 0;
        for (X509Certificate certificate : CaBundles.certificates(caBundle)) {
          trusted.setCertificateEntry("ca-" + i++, certificate);
        }
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      X509TrustManager roots = null;
      for (TrustManager manager : trust.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          roots = x509;
        }
      }
      if (roots == null) {
        throw new KeyStoreException("no X.509 trust manager");
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new VerifyingTrust(roots, serverName)}, null);
      return context;
    } catch (CaBundles.Unusable e) {
      throw new CallFailed("unable to load root certificates: " + e.getMessage());
    } catch (GeneralSecurityException | IOException e) {
      throw new CallFailed("unable to load root certificates: " + e.getMessage());
    }
  }

  /**
   * Go's order of checks ({@code x509.Certificate.Verify}): the leaf must be valid for the expected name, then chain
   * to a trusted root. The JDK's own name check (which would use the host dialled) is not made.
   */
  private static final class VerifyingTrust extends X509ExtendedTrustManager {
    private final X509TrustManager roots;
    private final String serverName;

    VerifyingTrust(X509TrustManager roots, String serverName) {
      this.roots = roots;
      this.serverName = serverName;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (chain.length == 0) {
        throw new CertificateException("no certificate");
      }
      ServerNames.verify(chain[0], serverName);
      roots.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a webhook client does not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return roots.getAcceptedIssuers();
    }
  }

  private static String firstLine(String message) {
    int newline = message == null ? -1 : message.indexOf('\n');
    return message == null ? "" : newline < 0 ? message : message.substring(0, newline);
  }
}
