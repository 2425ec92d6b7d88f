package dev.converge.inmemory.admission;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The registered plugins, in registration order: mutating ones run first (each sees the previous one's
 * result), then validating ones (each sees the final object). A denial fails the request with 403 and
 * {@code admission webhook "<name>" denied the request: <message>}, as kube-apiserver reports webhook
 * denials ({@code webhookerrors.ToStatusErr}).
 */
public final class AdmissionChain {
  private final List<AdmissionPlugin.Mutating> mutating = new CopyOnWriteArrayList<>();
  private final List<AdmissionPlugin.Validating> validating = new CopyOnWriteArrayList<>();

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

  /** Whether no plugin is registered (the server then skips building admission requests). */
  public boolean isEmpty() {
    return mutating.isEmpty() && validating.isEmpty();
  }

  public boolean hasMutating() {
    return !mutating.isEmpty();
  }

  /**
   * Runs the mutating plugins that handle {@code request}.
   *
   * @return the object after every mutation ({@code request.object()} itself when none changed it)
   * @throws BackendException.Forbidden when a plugin denies
   */
  public Resource mutate(AdmissionRequest request, Consumer<String> warnings) {
    Resource object = java.util.Objects.requireNonNull(request.object(), "mutating admission needs an object");
    if (mutating.isEmpty()) {
      return object;
    }
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
        if (!patched.key().equals(object.key())) {
          throw new BackendException.Unavailable(500, "Internal error occurred: admission plugin \"" + plugin.name()
              + "\" changed the object's identity from " + object.key() + " to " + patched.key(), java.time.Duration.ZERO);
        }
        current = current.withObject(patched);
      }
    }
    return current.object();
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
  }

  private static BackendException.Forbidden denied(AdmissionPlugin plugin, Verdict verdict) {
    return new BackendException.Forbidden(
        "admission webhook \"" + plugin.name() + "\" denied the request: " + verdict.message());
  }
}
