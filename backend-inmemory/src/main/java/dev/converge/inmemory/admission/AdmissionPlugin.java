package dev.converge.inmemory.admission;

import java.util.Objects;
import java.util.function.Function;

/**
 * A webhook-like admission plugin that an embedding registers with the server's {@link AdmissionChain}. It
 * is either {@link Mutating} (runs first, may change the object) or {@link Validating} (runs after every
 * mutation, may only allow or deny), as Kubernetes runs mutating then validating admission.
 */
public sealed interface AdmissionPlugin permits AdmissionPlugin.Mutating, AdmissionPlugin.Validating {

  /** The plugin's name, as a webhook's name appears in denials ({@code admission webhook "<name>" denied …}). */
  String name();

  /**
   * Whether the plugin takes part in {@code request} (a webhook's rules, namespace and object selectors, or
   * any condition the embedding likes, e.g. "only while the DatadogAgent's webhook configuration exists").
   */
  default boolean handles(AdmissionRequest request) {
    return true;
  }

  /**
   * A mutating plugin named {@code name} that takes part in every request and answers with {@code mutate}:
   * {@code AdmissionPlugin.mutating("inject.example.com", request -> Verdict.patch(...))}.
   */
  static Mutating mutating(String name, Function<AdmissionRequest, Verdict> mutate) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mutate, "mutate");
    return new Mutating() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Verdict mutate(AdmissionRequest request) {
        return mutate.apply(request);
      }
    };
  }

  /** A validating plugin named {@code name} that takes part in every request and answers with {@code validate}. */
  static Validating validating(String name, Function<AdmissionRequest, Verdict> validate) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(validate, "validate");
    return new Validating() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Verdict validate(AdmissionRequest request) {
        return validate.apply(request);
      }
    };
  }

  /** A plugin that may change the object; it runs for CREATE and UPDATE. */
  non-sealed interface Mutating extends AdmissionPlugin {
    /** Allows (optionally with a patched object) or denies {@code request}; must not keep the object. */
    Verdict mutate(AdmissionRequest request);
  }

  /** A plugin that may only allow or deny; it runs for CREATE, UPDATE and DELETE, after every mutation. */
  non-sealed interface Validating extends AdmissionPlugin {
    Verdict validate(AdmissionRequest request);
  }
}
