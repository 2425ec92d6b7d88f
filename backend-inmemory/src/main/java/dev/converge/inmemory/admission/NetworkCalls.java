package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.inmemory.admission.WebhookClient.CallFailed;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Webhook calls over the network, as kube-apiserver makes them to a {@code clientConfig.url}: an HTTPS POST of the
 * review as JSON, trusting the configuration's {@code caBundle} (the JVM's trusted roots when it has none), with
 * the webhook's timeout; failures are worded as Go's net/http and client-go word them, so the webhook's failure
 * policy and the client see what they would see from a cluster:
 *
 * <ul>
 *   <li>nothing listening: {@code dial tcp 127.0.0.1:9443: connect: connection refused};
 *   <li>no answer in time: {@code context deadline exceeded};
 *   <li>a certificate the bundle does not sign: {@code tls: failed to verify certificate: x509: certificate signed
 *       by unknown authority};
 *   <li>an error status: client-go's text for it ({@code the server could not find the requested resource}, …).
 * </ul>
 *
 * <p>One HTTP client per CA bundle, kept for the server's life.
 */
final class NetworkCalls {
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

  /**
   * Posts {@code review} to {@code url}.
   *
   * @param url the webhook's URL with the {@code timeout} query kube-apiserver adds
   * @param caBundle the configuration's {@code caBundle} (base64 of PEM certificates), empty for the JVM's roots
   * @throws CallFailed when the call fails, worded as client-go words it
   */
  JsonNode post(String url, String caBundle, int timeoutSeconds, JsonNode review) {
    URI uri = URI.create(url);
    String post = "Post \"" + url + "\": ";
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(timeoutSeconds))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(review)))
        .build();
    HttpResponse<String> response;
    try {
      response = client(caBundle).send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new CallFailed(post + "context deadline exceeded");
    } catch (ConnectException e) {
      int port = uri.getPort() >= 0 ? uri.getPort() : 443;
      throw new CallFailed(post + "dial tcp " + uri.getHost() + ":" + port + ": connect: connection refused");
    } catch (SSLHandshakeException e) {
      throw new CallFailed(post + "tls: failed to verify certificate: x509: certificate signed by unknown authority");
    } catch (IOException e) {
      throw new CallFailed(post + e.getMessage());
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

  private HttpClient client(String caBundle) {
    return clients.computeIfAbsent(caBundle, bundle -> HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .sslContext(sslContext(bundle))
        .build());
  }

  /** Trusts the certificates of {@code caBundle}, or the JVM's roots when it is empty. */
  private static SSLContext sslContext(String caBundle) {
    try {
      if (caBundle.isEmpty()) {
        return SSLContext.getDefault();
      }
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(Base64.getMimeDecoder().decode(caBundle)));
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trusted.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IllegalArgumentException | IOException e) {
      // kube-apiserver refuses such a bundle when the configuration is written; here the call fails instead.
      throw new CallFailed("unable to load root certificates: " + e.getMessage());
    }
  }

  private static String firstLine(String message) {
    int newline = message == null ? -1 : message.indexOf('\n');
    return message == null ? "" : newline < 0 ? message : message.substring(0, newline);
  }
}
