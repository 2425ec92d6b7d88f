package dev.converge.examples.datadog.render;

import dev.converge.api.DesiredResource;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.Credentials;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.model.DatadogAgentSpec;
import dev.converge.examples.datadog.model.EnvVar;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The state of one render of a DatadogAgent: a builder per component that runs, and the objects that belong to
 * no single workload (Secrets, extra Services, the webhook configuration). Feature modules add to it; the
 * overrides are applied last; {@link DesiredRenderer} turns it into the desired graph.
 */
public final class AgentRendering {
  private final DatadogAgent dda;
  private final Map<ComponentName, ComponentBuilder> components = new EnumMap<>(ComponentName.class);
  private final List<DesiredResource> extras = new ArrayList<>();

  AgentRendering(DatadogAgent dda) {
    this.dda = dda;
    for (ComponentName component : ComponentName.values()) {
      if (dda.spec().runs(component)) {
        components.put(component, new ComponentBuilder(component));
      }
    }
  }

  public DatadogAgent dda() {
    return dda;
  }

  public DatadogAgentSpec spec() {
    return dda.spec();
  }

  public String namespace() {
    return dda.namespace();
  }

  /** Whether {@code component} runs in this render. */
  public boolean runs(ComponentName component) {
    return components.containsKey(component);
  }

  /** The builder of {@code component}, if it runs. */
  public Optional<ComponentBuilder> component(ComponentName component) {
    return Optional.ofNullable(components.get(component));
  }

  /** Applies {@code edit} to {@code component} if it runs. */
  public void ifRuns(ComponentName component, Consumer<ComponentBuilder> edit) {
    ComponentBuilder builder = components.get(component);
    if (builder != null) {
      edit.accept(builder);
    }
  }

  Map<ComponentName, ComponentBuilder> components() {
    return components;
  }

  /** An object that belongs to no single workload. */
  public void add(DesiredResource resource) {
    extras.add(resource);
  }

  List<DesiredResource> extras() {
    return extras;
  }

  /** {@code DD_API_KEY}, read from the user's Secret or from the operator's own one for a plaintext key. */
  public EnvVar apiKeyEnv() {
    Credentials credentials = spec().global().credentials();
    return credentials.apiSecret() != null
        ? EnvVar.secretKeyRef("DD_API_KEY", credentials.apiSecret().secretName(), credentials.apiSecret().keyName())
        : EnvVar.secretKeyRef("DD_API_KEY", AgentNames.credentialsSecret(dda), CredentialsSecret.API_KEY);
  }

  /** {@code DD_APP_KEY}, when an application key is configured. */
  public @Nullable EnvVar appKeyEnv() {
    Credentials credentials = spec().global().credentials();
    if (credentials.appSecret() != null) {
      return EnvVar.secretKeyRef("DD_APP_KEY", credentials.appSecret().secretName(), credentials.appSecret().keyName());
    }
    return credentials.appKey() != null
        ? EnvVar.secretKeyRef("DD_APP_KEY", AgentNames.credentialsSecret(dda), CredentialsSecret.APP_KEY)
        : null;
  }
}
