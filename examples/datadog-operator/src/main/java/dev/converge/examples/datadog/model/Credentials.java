package dev.converge.examples.datadog.model;

import org.jspecify.annotations.Nullable;

/**
 * {@code spec.global.credentials}: the API key (required) and the application key (optional), each either a
 * reference to an existing Secret or a plaintext value that the operator moves into a Secret it owns.
 *
 * @param apiSecret the Secret holding the API key, if referenced
 * @param appSecret the Secret holding the application key, if referenced
 * @param apiKey the plaintext API key, if given
 * @param appKey the plaintext application key, if given
 */
public record Credentials(
    @Nullable SecretKeyRef apiSecret, @Nullable SecretKeyRef appSecret, @Nullable String apiKey, @Nullable String appKey) {

  /** Whether a plaintext key must be stored in the operator's own Secret. */
  public boolean hasPlaintextKeys() {
    return (apiSecret == null && apiKey != null) || (appSecret == null && appKey != null);
  }
}
