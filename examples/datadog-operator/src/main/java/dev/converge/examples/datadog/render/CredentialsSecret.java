package dev.converge.examples.datadog.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.Credentials;
import dev.converge.examples.datadog.model.DatadogAgent;
import java.util.Optional;

/**
 * The Secret {@code <dda>-secret} into which the operator moves plaintext {@code apiKey}/{@code appKey}, so the
 * keys reach the agents through {@code secretKeyRef} and never appear in a pod spec.
 */
public final class CredentialsSecret {
  /** The key of the API key (the Datadog Operator's name). */
  public static final String API_KEY = "api_key";
  /** The key of the application key. */
  public static final String APP_KEY = "app_key";

  private CredentialsSecret() {}

  /** The Secret, when at least one key is given in plaintext (and not also by reference). */
  public static Optional<Resource> resource(DatadogAgent dda) {
    Credentials credentials = dda.spec().global().credentials();
    if (!credentials.hasPlaintextKeys()) {
      return Optional.empty();
    }
    ObjectNode secret = AgentObjects.metadata("v1", "Secret", AgentNames.credentialsSecret(dda), dda.namespace(),
        AgentLabels.of(dda, ComponentName.NODE_AGENT));
    secret.put("type", "Opaque");
    ObjectNode data = secret.putObject("data");
    if (credentials.apiSecret() == null && credentials.apiKey() != null) {
      data.put(API_KEY, TokenSecret.base64(credentials.apiKey()));
    }
    if (credentials.appSecret() == null && credentials.appKey() != null) {
      data.put(APP_KEY, TokenSecret.base64(credentials.appKey()));
    }
    return Optional.of(Resource.of(secret));
  }
}
