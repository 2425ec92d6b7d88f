package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.cel.ValidationRules;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.schema.FieldSchema;
import dev.converge.inmemory.schema.SchemaCatalog;
import dev.converge.inmemory.schema.StructuralSchemas;
import dev.converge.inmemory.store.ObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
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
 * <p>A value of a built-in kind whose JSON type its Go field cannot decode from fails the request whatever the
 * directive: 400, "Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string
 * into Go struct field DeploymentSpec.spec.replicas of type int32" (apply: ".spec.replicas: expected numeric (int
 * or float), got string").
 *
 * <p>Built-in kinds are checked against the bundled {@link SchemaCatalog}, the fields of their Go types;
 * custom resources against the {@code openAPIV3Schema} of the CRD's version, as structural pruning reads it.
 * A kind with neither (a CRD without a schema) keeps every field. The same schema gives a custom resource its
 * defaults and its validation, CEL rules included ({@link #applyCustomDefaults}, {@link #validateCustom}).
 */
final class FieldDecoding {
  static final GroupKind CRD = GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition");
  private static final FieldSchema OBJECT_META = FieldSchema.named(SchemaCatalog.bundled(), SchemaCatalog.OBJECT_META);

  private final ObjectStore store;
  /** Each custom kind's schema with the CRD object it was compiled from (recompiled when the CRD changes). */
  private final Map<GroupKind, Map<String, Compiled>> custom = new ConcurrentHashMap<>();

  private record Compiled(Resource crd, String version, FieldSchema schema, @Nullable JsonNode openApiV3Schema,
      ValidationRules rules, boolean hasDefaults) {}

  FieldDecoding(ObjectStore store) {
    this.store = store;
  }

  /**
   * The object a create, update or non-apply patch stores, decoded from {@code object} under {@code mode}:
   * {@code object} itself when its kind's schema declares all its fields, else a copy without the others.
   * {@code stored} is the object an update or patch replaces, or null for a create.
   *
   * @throws dev.converge.api.backend.BackendException.Invalid (400) when a value has the wrong JSON type for
   *     its Go field, whatever the directive, and with {@code Strict} when some fields are unknown
   */
  ObjectNode decode(RequestContext ctx, ResourceType type, ObjectNode object, @Nullable Resource stored,
      FieldValidation mode, Consumer<String> warnings) {
    FieldSchema schema = schema(type);
    if (schema == null) {
      return object;
    }
    // The stored object passed this check when it was written: subtrees an update shares with it are skipped.
    FieldSchema.Decoded decoded = schema.decode(object, stored == null ? null : stored.json(), type.groupKind());
    if (decoded.clean()) {
      return object;
    }
    String cannot = type.kind() + " in version \"" + type.version() + "\" cannot be handled as a " + type.kind() + ": ";
    if (decoded.typeError() != null) {
      throw Errors.badRequest(cannot + decoded.typeError());
    }
    List<String> unknown = decoded.unknownFields();
    switch (mode) {
      case STRICT -> {
        StringBuilder message = new StringBuilder(cannot).append("strict decoding error: ");
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
   * {@code object}, just converted to {@code type}'s version, without the fields that version's schema does not
   * declare: the schema coercion apiextensions-apiserver's storage codec applies after every conversion ({@code
   * schemaCoercingConverter}), so that what one version holds and another does not is pruned on the way to
   * storage and back. {@code object} itself when it has no such field.
   */
  ObjectNode prunedAfterConversion(ResourceType type, ObjectNode object) {
    FieldSchema schema = schema(type);
    if (schema == null) {
      return object;
    }
    FieldSchema.Decoded decoded = schema.decode(object, null, type.groupKind());
    return decoded.clean() || decoded.typeError() != null ? object : schema.withoutUnknownFields(object);
  }

  /**
   * Refuses an applied configuration that does not fit its kind's schema, as the field manager's conversion to a
   * typed value does: fields not declared, scalars of the wrong type (structured-merge-diff's messages, one per
   * problem, several listed under "errors:"; the items of keyed lists named by their keys).
   */
  void checkApplied(ResourceType type, Resource applied) {
    FieldSchema schema = schema(type);
    if (schema == null) {
      return;
    }
    List<String> problems = schema.decode(applied.json(), null, type.groupKind()).applyErrors();
    if (problems.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder("failed to create typed patch object (")
        .append(applied.namespace()).append('/').append(applied.name()).append("; ")
        .append(type.group()).append('/').append(type.version()).append(", Kind=").append(type.kind()).append("): ");
    if (problems.size() > 1) {
      message.append("errors:");
    }
    for (String problem : problems) {
      message.append(problems.size() > 1 ? "\n  " : "").append(problem);
    }
    // A plain error in the handler: 500 with no reason (ErrorToAPIStatus), which kubectl prints as "Error from
    // server: failed to create typed patch object …".
    throw new BackendException.Unavailable(500, message.toString(), Duration.ZERO);
  }

  /**
   * Fills the {@code default}s of a custom resource's schema into {@code root} (structural defaulting); nothing
   * for built-in kinds, whose defaults are {@code Defaulting}'s.
   */
  void applyCustomDefaults(ResourceType type, ObjectNode root) {
    Compiled compiled = custom(type);
    if (compiled != null && compiled.openApiV3Schema() != null) {
      StructuralSchemas.applyDefaults(root, compiled.openApiV3Schema());
    }
  }

  /**
   * The causes of a 422 for a custom resource that its CRD version refuses: its schema's (types, enums, bounds,
   * required fields: {@link StructuralSchemas#validate}), then, unless those stop them, its CEL rules' ({@link
   * ValidationRules#validate}, whose ratcheted failures go to {@code warnings}); empty for a valid one and for
   * built-in kinds. {@code old} is the object an update replaces, or null.
   */
  List<String> validateCustom(ResourceType type, JsonNode object, @Nullable JsonNode old, Consumer<String> warnings) {
    Compiled compiled = custom(type);
    if (compiled == null || compiled.openApiV3Schema() == null) {
      return List.of();
    }
    List<String> causes = StructuralSchemas.validate(object, compiled.openApiV3Schema());
    ValidationRules.Outcome rules = compiled.rules().validate(object, old, causes);
    rules.warnings().forEach(warnings);
    if (rules.errors().isEmpty()) {
      return causes;
    }
    List<String> all = new ArrayList<>(causes);
    all.addAll(rules.errors());
    return all;
  }

  /**
   * How a read answers the stored objects of {@code storage} (a kind at its storage version): with the defaults of
   * that version's schema which an object lacks filled in, as kube-apiserver's storage codec defaults what it
   * decodes from etcd, so a default added to a CRD shows on objects stored before it without a write (and
   * without a new {@code resourceVersion}); null when there is nothing to fill in (built-in kinds, schemas
   * without defaults).
   */
  @Nullable UnaryOperator<Resource> readDefaults(ResourceType storage) {
    Compiled compiled = custom(storage);
    if (compiled == null || !compiled.hasDefaults() || compiled.openApiV3Schema() == null) {
      return null;
    }
    JsonNode schema = compiled.openApiV3Schema();
    return stored -> {
      if (!StructuralSchemas.missingDefaults(stored.json(), schema)) {
        return stored;
      }
      ObjectNode root = Trees.shallowCopy(stored.json());
      StructuralSchemas.applyDefaults(root, schema);
      return Resource.of(root);
    };
  }

  /**
   * The {@code openAPIV3Schema} of a custom kind's served version (the same tree while its CRD is unchanged),
   * whose list and map markers decide how apply merges it; null for built-in kinds and schema-less versions.
   */
  @Nullable JsonNode customSchema(ResourceType type) {
    Compiled compiled = custom(type);
    return compiled == null ? null : compiled.openApiV3Schema();
  }

  private @Nullable FieldSchema schema(ResourceType type) {
    Optional<FieldSchema> builtin = FieldSchema.builtin(type.groupKind());
    if (builtin.isPresent()) {
      return builtin.get();
    }
    Compiled compiled = custom(type);
    return compiled == null || compiled.schema() == FieldSchema.ANY ? null : compiled.schema();
  }

  /** The schema of a custom kind's served version, compiled once per CRD object and version; null for other kinds. */
  private @Nullable Compiled custom(ResourceType type) {
    if (ResourceTypesInfo.isBuiltin(type.groupKind())) {
      return null;
    }
    Resource crd = store.get(CRD, "", type.plural() + "." + type.group());
    if (crd == null) {
      return null;
    }
    Map<String, Compiled> versions = custom.computeIfAbsent(type.groupKind(), kind -> new ConcurrentHashMap<>());
    Compiled compiled = versions.get(type.version());
    if (compiled == null || compiled.crd() != crd) {
      compiled = compile(crd, type.version());
      versions.put(type.version(), compiled);
    }
    return compiled;
  }

  private Compiled compile(Resource crd, String version) {
    for (JsonNode served : crd.spec().path("versions")) {
      JsonNode schema = served.path("schema").path("openAPIV3Schema");
      if (served.path("name").asText().equals(version) && schema.isObject()) {
        return new Compiled(crd, version, FieldSchema.structural(schema, OBJECT_META), schema,
            ValidationRules.compile(schema), StructuralSchemas.hasDefaults(schema));
      }
    }
    return new Compiled(crd, version, FieldSchema.ANY, null, ValidationRules.NONE, false);
  }
}
