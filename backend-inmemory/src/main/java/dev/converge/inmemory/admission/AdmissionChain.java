package dev.converge.inmemory.admission;

import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.store.ObjectCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Admission, in kube-apiserver's order: the registered mutating plugins in registration order (each sees the
 * previous one's result), then the mutating webhooks the cluster's {@code MutatingWebhookConfiguration}s
 * configure; then, after the server's own validation, the registered validating plugins, the bound {@code
 * ValidatingAdmissionPolicies} ({@link PolicyDispatch}) and the validating webhooks of the {@code
 * ValidatingWebhookConfiguration}s ({@link WebhookDispatch}), as kube-apiserver orders its plugins. A plugin's denial fails the
 * request with 403 and {@code admission webhook "<name>" denied the request: <message>}, as kube-apiserver
 * reports webhook denials ({@code webhookerrors.ToStatusErr}); a configured webhook's denial carries the code
 * its answer gives.
 *
 * <p>Configured webhooks are answered by the {@link WebhookEndpoint}s registered with {@link #endpoints()}.
 */
public final class AdmissionChain {
  private final List<AdmissionPlugin.Mutating> mutating = new CopyOnWriteArrayList<>();
  private final List<AdmissionPlugin.Validating> validating = new CopyOnWriteArrayList<>();
  private final WebhookEndpoints endpoints = new WebhookEndpoints();
  private final WebhookDispatch webhooks;
  private final PolicyDispatch policies;

  /**
   * A chain whose configured webhooks are read from {@code cache}.
   *
   * @param cache the server's store, read under its lock at every request
   * @param served the served type of a kind (for the scope of a policy's parameters), empty if not served
   * @param uids the source of each review's {@code uid}
   * @param converter converts an object to another served version of its kind, as the server converts it (the
   *     object a webhook matched under {@code matchPolicy: Equivalent} asks for, and its patch back)
   */
  public AdmissionChain(ObjectCache cache, Function<GroupKind, Optional<ResourceType>> served, Supplier<String> uids,
      BiFunction<Resource, String, Resource> converter) {
    this.webhooks = new WebhookDispatch(cache, endpoints, uids, converter);
    this.policies = new PolicyDispatch(cache, served);
  }

  /** The in-process servers that answer the configured webhooks. */
  public WebhookEndpoints endpoints() {
    return endpoints;
  }

  /** Adds {@code plugin} at the end of its phase. */
  public AdmissionChain register(AdmissionPlugin plugin) {
    if (plugin instanceof AdmissionPlugin.Mutating m) {
      mutating.add(m);
    } else if (plugin instanceof AdmissionPlugin.Validating v) {
      validating.add(v);
    }
    return this;
  }

  /** Removes the plugins named {@code name}; returns whether any was registered. */
  public boolean unregister(String name) {
    return mutating.removeIf(p -> p.name().equals(name)) | validating.removeIf(p -> p.name().equals(name));
  }

  public ImmutableList<String> names() {
    List<String> names = new ArrayList<>();
    mutating.forEach(p -> names.add(p.name()));
    validating.forEach(p -> names.add(p.name()));
    return ImmutableList.copyOf(names);
  }

  /**
   * Whether no plugin is registered and no webhook or policy binding configured (the server then skips
   * building admission requests).
   */
  public boolean isEmpty() {
    return mutating.isEmpty() && validating.isEmpty() && !webhooks.configured() && !policies.configured();
  }

  /**
   * Runs the mutating plugins that handle {@code request}.
   *
   * @return the object after every mutation ({@code request.object()} itself when none changed it)
   * @throws BackendException.Forbidden when a plugin denies
   */
  public Resource mutate(AdmissionRequest request, Consumer<String> warnings) {
    Resource object = java.util.Objects.requireNonNull(request.object(), "mutating admission needs an object");
    AdmissionRequest current = request;
    for (AdmissionPlugin.Mutating plugin : mutating) {
      if (!plugin.handles(current)) {
        continue;
      }
      Verdict verdict = plugin.mutate(current);
      verdict.warnings().forEach(warnings);
      if (!verdict.allowed()) {
        throw denied(plugin, verdict);
      }
      Resource patched = verdict.patched();
      if (patched != null) {
        current = current.withObject(sameIdentity("admission plugin \"" + plugin.name() + "\"", object, patched));
      }
    }
    Resource afterWebhooks = webhooks.mutate(current, warnings);
    return afterWebhooks == null || afterWebhooks == current.object() ? current.object()
        : sameIdentity("a mutating admission webhook", object, afterWebhooks);
  }

  private static Resource sameIdentity(String who, Resource object, Resource patched) {
    if (!patched.key().equals(object.key())) {
      throw new BackendException.Unavailable(500, "Internal error occurred: " + who
          + " changed the object's identity from " + object.key() + " to " + patched.key(), java.time.Duration.ZERO);
    }
    return patched;
  }

  /**
   * Mutating admission of a delete: the mutating webhooks that match it are called and may deny it (there is
   * no object to change). Registered mutating plugins do not take part in deletes.
   */
  public void mutateDelete(AdmissionRequest request, Consumer<String> warnings) {
    webhooks.mutate(request, warnings);
  }

  /**
   * Runs the validating plugins that handle {@code request}.
   *
   * @throws BackendException.Forbidden when a plugin denies
   */
  public void validate(AdmissionRequest request, Consumer<String> warnings) {
    for (AdmissionPlugin.Validating plugin : validating) {
      if (!plugin.handles(request)) {
        continue;
      }
      Verdict verdict = plugin.validate(request);
      verdict.warnings().forEach(warnings);
      if (!verdict.allowed()) {
        throw denied(plugin, verdict);
      }
    }
    policies.validate(request, warnings);
    webhooks.validate(request, warnings);
  }

  private static BackendException.Forbidden denied(AdmissionPlugin plugin, Verdict verdict) {
    return new BackendException.Forbidden(
        "admission webhook \"" + plugin.name() + "\" denied the request: " + verdict.message());
  }
}
