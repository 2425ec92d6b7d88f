package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.schema.FieldSchema;
import dev.converge.inmemory.schema.SchemaCatalog;
import dev.converge.inmemory.store.ObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What kube-apiserver does with fields a kind's schema does not declare, when it decodes a request body
 * (KEP-2885, server-side field validation, GA in 1.27):
 *
 * <ul>
 *   <li>create, update and the non-apply patches drop them, and by the request's {@link FieldValidation}
 *       answer 400 ({@code Strict}: "Deployment in version "v1" cannot be handled as a Deployment: strict
 *       decoding error: unknown field "spec.replicass""), warn once per field ({@code Warn}, the server's
 *       default) or say nothing ({@code Ignore});
 *   <li>server-side apply always refuses them: the field manager types the applied object against the schema
 *       ("failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicass: field
 *       not declared in schema"), whatever the directive.
 * </ul>
 *
 * <p>Built-in kinds are checked against the bundled {@link SchemaCatalog}, the fields of their Go types;
 * custom resources against the {@code openAPIV3Schema} of the CRD's version, as structural pruning reads it.
 * A kind with neither (a CRD without a schema) keeps every field.
 */
final class FieldDecoding {
  private static final GroupKind CRD = GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition");

  private final ObjectStore store;
  private final SchemaCatalog catalog = SchemaCatalog.bundled();
  private final FieldSchema objectMeta = FieldSchema.named(catalog, SchemaCatalog.OBJECT_META);
  private final Map<GroupKind, Optional<FieldSchema>> builtins = new ConcurrentHashMap<>();
  /** Each custom kind's schema with the CRD object it was compiled from (recompiled when the CRD changes). */
  private final Map<GroupKind, Compiled> custom = new ConcurrentHashMap<>();

  private record Compiled(Resource crd, String version, FieldSchema schema) {}

  FieldDecoding(ObjectStore store) {
    this.store = store;
  }

  /**
   * The object a create, update or non-apply patch stores, decoded from {@code object} under {@code mode}:
   * {@code object} itself when its kind's schema declares all its fields, else a copy without the others.
   * {@code stored} is the object an update or patch replaces, or null for a create.
   *
   * @throws dev.converge.api.backend.BackendException.Invalid (400) with {@code Strict} when some are unknown
   */
  ObjectNode decode(RequestContext ctx, ResourceType type, ObjectNode object, @Nullable Resource stored,
      FieldValidation mode, Consumer<String> warnings) {
    FieldSchema schema = schema(type);
    if (schema == null) {
      return object;
    }
    // The stored object passed this check when it was written: subtrees an update shares with it are skipped.
    List<String> unknown = schema.unknownFields(object, stored == null ? null : stored.json());
    if (unknown.isEmpty()) {
      return object;
    }
    switch (mode) {
      case STRICT -> {
        StringBuilder message = new StringBuilder(type.kind()).append(" in version \"").append(type.version())
            .append("\" cannot be handled as a ").append(type.kind()).append(": strict decoding error: ");
        for (int i = 0; i < unknown.size(); i++) {
          message.append(i == 0 ? "" : ", ").append("unknown field \"").append(unknown.get(i)).append('"');
        }
        throw Errors.badRequest(message.toString());
      }
      case WARN -> {
        for (String field : unknown) {
          String warning = "unknown field \"" + field + "\"";
          ctx.warn(warning);
          warnings.accept(warning);
        }
      }
      case IGNORE -> { }
    }
    return schema.withoutUnknownFields(object);
  }

  /**
   * Refuses an applied configuration with fields its kind's schema does not declare, as the field manager's
   * conversion to a typed value does (structured-merge-diff's message: the path, then "field not declared in
   * schema"; several are listed under "errors:"). List items are named by index here, where
   * structured-merge-diff names the items of keyed lists by their keys.
   */
  void checkApplied(ResourceType type, Resource applied) {
    FieldSchema schema = schema(type);
    if (schema == null) {
      return;
    }
    List<String> unknown = schema.unknownFields(applied.json());
    if (unknown.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder("failed to create typed patch object (")
        .append(applied.namespace()).append('/').append(applied.name()).append("; ")
        .append(type.group()).append('/').append(type.version()).append(", Kind=").append(type.kind()).append("): ");
    if (unknown.size() > 1) {
      message.append("errors:");
    }
    for (String field : unknown) {
      message.append(unknown.size() > 1 ? "\n  ." : ".").append(field).append(": field not declared in schema");
    }
    // A plain error in the handler: 500 with no reason (ErrorToAPIStatus), which kubectl prints as "Error from
    // server: failed to create typed patch object …".
    throw new BackendException.Unavailable(500, message.toString(), Duration.ZERO);
  }

  private @Nullable FieldSchema schema(ResourceType type) {
    GroupKind kind = type.groupKind();
    Optional<FieldSchema> builtin = builtins.computeIfAbsent(kind, k -> FieldSchema.builtin(catalog, k));
    if (builtin.isPresent()) {
      return builtin.get();
    }
    Resource crd = store.get(CRD, "", type.plural() + "." + type.group());
    if (crd == null) {
      return null;
    }
    Compiled compiled = custom.get(kind);
    if (compiled == null || compiled.crd() != crd || !compiled.version().equals(type.version())) {
      compiled = new Compiled(crd, type.version(), compile(crd, type.version()));
      custom.put(kind, compiled);
    }
    return compiled.schema() == FieldSchema.ANY ? null : compiled.schema();
  }

  private FieldSchema compile(Resource crd, String version) {
    for (JsonNode served : crd.spec().path("versions")) {
      JsonNode schema = served.path("schema").path("openAPIV3Schema");
      if (served.path("name").asText().equals(version) && schema.isObject()) {
        return FieldSchema.structural(schema, objectMeta);
      }
    }
    return FieldSchema.ANY;
  }
}
