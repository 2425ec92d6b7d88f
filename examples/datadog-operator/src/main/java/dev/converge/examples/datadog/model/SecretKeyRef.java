package dev.converge.examples.datadog.model;

/**
 * A key of an existing Secret ({@code spec.global.credentials.apiSecret}).
 *
 * @param secretName the Secret's name, in the DatadogAgent's namespace
 * @param keyName the key within the Secret's data
 */
public record SecretKeyRef(String secretName, String keyName) {}
