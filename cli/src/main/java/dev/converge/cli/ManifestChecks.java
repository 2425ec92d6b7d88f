package dev.converge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.core.manifest.ManifestEntry;
import dev.converge.core.manifest.ManifestException;
import dev.converge.core.manifest.ManifestSet;
import dev.converge.core.manifest.ManifestSource;
import dev.converge.inmemory.defaults.Defaulting;
import dev.converge.inmemory.schema.FieldSchema;
import dev.converge.inmemory.validation.Validation;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The API server's validation of built-in kinds, run on the whole manifest set before anything is planned,
 * simulated, served or applied: a Deployment with {@code replicas: -1} or a container without an image is bad
 * input named by file, document and field, not a failure halfway through an apply. Kubernetes validates each
 * object as it is written (a registry strategy's {@code Validate}); checking all of them first is what lets
 * {@code converge} promise that invalid input changes nothing. Custom resources whose CustomResourceDefinition
 * is in the input are checked against its schema ({@link CustomResourceSchemas}); objects of built-in kinds
 * against the fields of their Go types (a misspelled field is bad input, as the server would refuse or drop it).
 */
public final class ManifestChecks {
  /** The end of {@link #requireKnownKinds}'s message for a live cluster. */
  public static final String NOT_SERVED = "and the cluster does not serve it: install the CRD first, or add it to the files";

  private ManifestChecks() {}

  /**
   * Checks every object of a built-in kind in {@code set}.
   *
   * @throws ManifestException for the first object Kubernetes would refuse, naming its file, document and the
   *     field of the first cause
   */
  public static void validate(ManifestSet set) {
    validate(set.entries());
  }

  /** The same for entries of a set, some of them edited ({@code converge simulate --set}). */
  public static void validate(Iterable<ManifestEntry> entries) {
    for (ManifestEntry entry : entries) {
      Optional<String> cause = firstCause(entry.desired().resource());
      if (cause.isPresent()) {
        throw refused(entry.source(), cause.orElseThrow());
      }
    }
    CustomResourceSchemas.validate(entries);
  }

  /**
   * Requires every object's kind to be one {@code types} knows: built in or served by the cluster, or defined by a
   * CustomResourceDefinition among the manifests. An object of any other kind could never be created (kubectl answers
   * "no matches for kind … ensure CRDs are installed first"), so the whole input is refused before anything is
   * applied.
   *
   * @param unknownBecause why the kind cannot come from elsewhere and what to do, ending the message ({@code "and the
   *     simulated cluster starts empty: add the CRD to the files"})
   * @throws ManifestException for the first such object, naming its file, document and kind
   */
  public static void requireKnownKinds(Iterable<ManifestEntry> entries, ResourceTypes types, String unknownBecause) {
    for (ManifestEntry entry : entries) {
      if (types.find(entry.key().groupKind()).isEmpty()) {
        throw ManifestException.document(entry.source(), "kind", "no CustomResourceDefinition in the input defines "
            + entry.key().groupKind() + " (apiVersion " + entry.desired().resource().json().path("apiVersion").asText()
            + "), " + unknownBecause);
      }
    }
  }

  /**
   * Why the API server would refuse to create {@code resource}, as {@code field: problem} (Kubernetes' first
   * cause), or empty when it would accept it or its kind is not built in.
   */
  public static Optional<String> firstCause(Resource resource) {
    Optional<ResourceType> type = ResourceTypes.builtins().find(resource.groupKind());
    if (type.isEmpty()) {
      return Optional.empty();
    }
    // A field the kind's Go type does not have: server-side apply refuses the object (500, "field not declared in
    // schema"), and a create or update drops it; either way the input is not what gets stored.
    Optional<FieldSchema> schema = FieldSchema.builtin(resource.groupKind());
    FieldSchema.@Nullable Decoded decoded = schema.map(s -> s.decode(resource.json(), null, resource.groupKind())).orElse(null);
    if (decoded != null && !decoded.unknownFields().isEmpty()) {
      return Optional.of(decoded.unknownFields().get(0) + ": unknown field");
    }
    // The server validates what its defaulting made of the body (a Job's pod failure policy pattern gets status
    // True, an Indexed Job without completions or parallelism gets 1 of each), so the check does too.
    ObjectNode defaulted = resource.json().deepCopy();
    Defaulting.apply(resource.groupKind(), defaulted);
    ImmutableList<String> causes = Validation.validate(type.orElseThrow(), defaulted, null);
    if (!causes.isEmpty()) {
      return Optional.of(lowerProblem(causes.get(0)));
    }
    // A value its Go field cannot decode from (the server answers 400, "cannot be handled as a Secret: …"); the
    // validation above words the common ones better ("must be an integer").
    if (decoded != null && decoded.typeError() != null) {
      String hint = resource.kind().equals("Secret") && decoded.typeErrorField().startsWith("data.")
          ? " (values under data are base64; plain text goes under stringData)" : "";
      return Optional.of(decoded.typeErrorField() + ": " + decoded.typeError() + hint);
    }
    return Optional.empty();
  }

  /** A cause spelled as Kubernetes does ({@code spec.replicas: Invalid value: -1: must be …}) as bad input. */
  static ManifestException refused(@Nullable ManifestSource source, String cause) {
    int colon = cause.indexOf(": ");
    String field = colon < 0 ? "" : cause.substring(0, colon);
    String problem = colon < 0 ? cause : cause.substring(colon + 2);
    return source == null ? ManifestException.input(cause) : ManifestException.document(source, field, problem);
  }

  /** {@code spec.replicas: Invalid value: …} as {@code spec.replicas: invalid value: …}, as our messages read. */
  private static String lowerProblem(String cause) {
    int colon = cause.indexOf(": ");
    if (colon < 0 || colon + 2 >= cause.length()) {
      return cause;
    }
    return cause.substring(0, colon + 2) + Character.toLowerCase(cause.charAt(colon + 2)) + cause.substring(colon + 3);
  }
}
