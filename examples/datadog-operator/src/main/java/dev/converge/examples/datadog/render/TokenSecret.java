package dev.converge.examples.datadog.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The Secret {@code <dda>-token} (key {@code token}) that node agents and runners present to the Cluster Agent.
 * The token is 32 random characters drawn once from the reconciler's seeded randomness and then kept: every
 * later pass reads it back from the live Secret, so the Secret is never rewritten and no agent is restarted.
 */
public final class TokenSecret {
  /** Length of a generated token. */
  public static final int LENGTH = 32;
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private TokenSecret() {}

  public static ResourceKey key(DatadogAgent dda) {
    return ResourceKey.namespaced("", "Secret", dda.namespace(), AgentNames.token(dda));
  }

  /** The live token, if the Secret exists and holds one. */
  public static Optional<String> existing(DatadogAgent dda, Observed observed) {
    return observed.get(key(dda)).flatMap(TokenSecret::read);
  }

  /** The token to render: the live one, or a new one from {@code random}. */
  public static String token(DatadogAgent dda, Observed observed, RandomGenerator random) {
    return existing(dda, observed).orElseGet(() -> generate(random));
  }

  /** {@value #LENGTH} characters from {@code [A-Za-z0-9]}. */
  public static String generate(RandomGenerator random) {
    StringBuilder token = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      token.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return token.toString();
  }

  /** The Secret holding {@code token}, as {@code data} (base64), which is how the server stores it. */
  public static Resource resource(DatadogAgent dda, String token) {
    ObjectNode secret = AgentObjects.metadata("v1", "Secret", AgentNames.token(dda), dda.namespace(),
        AgentLabels.of(dda, ComponentName.CLUSTER_AGENT));
    secret.put("type", "Opaque");
    secret.putObject("data").put(AgentNames.TOKEN_KEY, base64(token));
    return Resource.of(secret);
  }

  private static Optional<String> read(Resource secret) {
    JsonNode data = secret.json().path("data").path(AgentNames.TOKEN_KEY);
    if (data.isTextual()) {
      try {
        String value = new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    JsonNode stringData = secret.json().path("stringData").path(AgentNames.TOKEN_KEY);
    return stringData.isTextual() && !stringData.asText().isEmpty() ? Optional.of(stringData.asText()) : Optional.empty();
  }

  static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
