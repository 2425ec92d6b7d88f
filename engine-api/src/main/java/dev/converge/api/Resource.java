package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A Kubernetes-style object: an immutable JSON tree with {@code apiVersion}, {@code kind} and {@code
 * metadata}, and the {@link ResourceKey} derived from them.
 *
 * <p>The tree is copied (frozen) on the way in and handed out read-only: {@link #json()} returns the frozen
 * tree itself, whose mutators throw. To change a resource, {@link #edit(Consumer)} hands a mutable copy to an
 * editor and returns a new resource.
 */
public final class Resource {
  private final ResourceKey key;
  private final String apiVersion;
  private final ObjectNode json;
  private @Nullable ImmutableMap<String, String> labels;
  private @Nullable ImmutableMap<String, String> annotations;
  private @Nullable GroupKind groupKind;

  private Resource(ResourceKey key, String apiVersion, ObjectNode json) {
    this.key = key;
    this.apiVersion = apiVersion;
    this.json = json;
  }

  /**
   * A resource from a JSON object that has {@code apiVersion}, {@code kind} and {@code metadata.name} (and
   * {@code metadata.namespace} for namespaced kinds). The tree is frozen; a tree that is already frozen is
   * not copied.
   *
   * @param json the object
   * @return the resource, its tree frozen
   * @throws InvalidResourceException naming the missing or malformed field
   */
  public static Resource of(JsonNode json) {
    if (!json.isObject()) {
      throw new InvalidResourceException("", "expected an object, got " + json.getNodeType().toString().toLowerCase());
    }
    String apiVersion = requiredText(json, "apiVersion");
    String kind = requiredText(json, "kind");
    JsonNode metadata = json.path("metadata");
    if (!metadata.isObject()) {
      throw new InvalidResourceException("metadata", "is required");
    }
    String name = requiredText(metadata, "name", "metadata.name");
    JsonNode namespace = metadata.path("namespace");
    if (!namespace.isMissingNode() && !namespace.isNull() && !namespace.isTextual()) {
      throw new InvalidResourceException("metadata.namespace", "must be a string");
    }
    if (kind.isEmpty() || !Character.isUpperCase(kind.charAt(0))) {
      throw new InvalidResourceException("kind", "must start with an upper-case letter: '" + kind + "'");
    }
    if (name.indexOf('/') >= 0 || namespace.asText("").indexOf('/') >= 0) {
      throw new InvalidResourceException(name.indexOf('/') >= 0 ? "metadata.name" : "metadata.namespace", "must not contain '/'");
    }
    ResourceKey key = new ResourceKey(ApiVersions.group(apiVersion), Canonical.of(kind), Canonical.of(namespace.asText("")), name);
    return new Resource(key, apiVersion, Json.freezeObject((ObjectNode) json));
  }

  /**
   * {@return a new state of this resource} The same as {@link #of} for a tree whose {@code apiVersion}, {@code
   * kind}, {@code metadata.name} and {@code metadata.namespace} are this resource's (the usual edit of an
   * object), without reading and checking them again: they are compared with this resource's, and only when
   * one differs is the tree read as {@link #of} reads it.
   *
   * @param tree the new state, frozen or not
   * @throws InvalidResourceException as {@link #of} does, when an identifying field changed and is invalid
   */
  public Resource withJson(JsonNode tree) {
    JsonNode metadata = tree.get("metadata");
    JsonNode ownMetadata = json.path("metadata");
    // The same metadata node (an edit of spec or status) holds the same name and namespace: nothing to read.
    if (tree instanceof ObjectNode && metadata != null && Objects.equals(tree.get("apiVersion"), json.get("apiVersion"))
        && Objects.equals(tree.get("kind"), json.get("kind")) && (metadata == ownMetadata
            || Objects.equals(metadata.get("name"), ownMetadata.get("name"))
            && Objects.equals(metadata.get("namespace"), ownMetadata.get("namespace")))) {
      return new Resource(key, apiVersion, Json.freezeObject((ObjectNode) tree));
    }
    return of(tree);
  }


  private static String requiredText(JsonNode node, String field) {
    return requiredText(node, field, field);
  }

  private static String requiredText(JsonNode node, String field, String path) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      throw new InvalidResourceException(path, "is required");
    }
    if (!value.isTextual() || value.asText().isEmpty()) {
      throw new InvalidResourceException(path, "must be a non-empty string");
    }
    return value.asText();
  }

  /** {@return the key: group, kind, namespace and name} */
  public ResourceKey key() {
    return key;
  }

  /** {@return the {@code apiVersion}} */
  public String apiVersion() {
    return apiVersion;
  }

  /** {@return the API group, empty for the core group} */
  public String group() {
    return key.group();
  }

  /** {@return the version part of the {@code apiVersion}} */
  public String version() {
    return ApiVersions.version(apiVersion);
  }

  /** {@return the kind} */
  public String kind() {
    return key.kind();
  }

  /** {@return the group and kind} */
  public GroupKind groupKind() {
    // Made once (a race makes an equal one twice): the server asks for it several times per request.
    GroupKind known = groupKind;
    if (known == null) {
      known = key.groupKind();
      groupKind = known;
    }
    return known;
  }

  /** {@return {@code metadata.name}} */
  public String name() {
    return key.name();
  }

  /** {@return the namespace, empty for cluster-scoped resources} */
  public String namespace() {
    return key.namespace();
  }

  /** {@return the whole object, frozen: reading is free, mutators throw} */
  public ObjectNode json() {
    return json;
  }

  /** {@return {@code metadata}} */
  public JsonNode metadata() {
    return json.path("metadata");
  }

  /** {@return the {@code spec}, or a missing node} */
  public JsonNode spec() {
    return json.path("spec");
  }

  /** {@return the {@code status}, or a missing node} */
  public JsonNode status() {
    return json.path("status");
  }

  /**
   * {@return the node at a dotted path of object fields, or a missing node}
   *
   * @param dottedPath field names joined by dots ({@code "spec.template.spec"})
   */
  public JsonNode at(String dottedPath) {
    return Json.at(json, dottedPath);
  }

  /** {@return {@code metadata.labels}; empty when there are none} */
  public ImmutableMap<String, String> labels() {
    ImmutableMap<String, String> result = labels;
    if (result == null) {
      result = stringMap(metadata().path("labels"));
      labels = result;
    }
    return result;
  }

  /** {@return {@code metadata.annotations}; empty when there are none} */
  public ImmutableMap<String, String> annotations() {
    ImmutableMap<String, String> result = annotations;
    if (result == null) {
      result = stringMap(metadata().path("annotations"));
      annotations = result;
    }
    return result;
  }

  /**
   * {@return the value of one label, if set}
   *
   * @param name the label key
   */
  public Optional<String> label(String name) {
    return Optional.ofNullable(labels().get(name));
  }

  /**
   * {@return the value of one annotation, if set}
   *
   * @param name the annotation key
   */
  public Optional<String> annotation(String name) {
    return Optional.ofNullable(annotations().get(name));
  }

  /** {@return {@code metadata.uid}, or null before the server stored the object} */
  public @Nullable String uid() {
    return textOrNull(metadata().path("uid"));
  }

  /** {@return {@code metadata.resourceVersion}, or null before the server stored the object} */
  public @Nullable String resourceVersion() {
    return textOrNull(metadata().path("resourceVersion"));
  }

  /** {@return {@code metadata.generation}, or 0 when the server has not set it} */
  public long generation() {
    return metadata().path("generation").asLong(0);
  }

  /** {@return {@code metadata.deletionTimestamp}, or null when the object is not being deleted} */
  public @Nullable String deletionTimestamp() {
    return textOrNull(metadata().path("deletionTimestamp"));
  }

  /** {@return whether the object is being deleted (it has a {@code deletionTimestamp}; finalizers hold it)} */
  public boolean isBeingDeleted() {
    return deletionTimestamp() != null;
  }

  /** {@return {@code metadata.finalizers}, in order} */
  public ImmutableList<String> finalizers() {
    ImmutableList.Builder<String> result = ImmutableList.builder();
    for (JsonNode finalizer : metadata().path("finalizers")) {
      result.add(finalizer.asText());
    }
    return result.build();
  }

  /** {@return {@code metadata.ownerReferences}, in order} */
  public ImmutableList<OwnerReference> ownerReferences() {
    ImmutableList.Builder<OwnerReference> result = ImmutableList.builder();
    for (JsonNode ref : metadata().path("ownerReferences")) {
      result.add(new OwnerReference(
          ref.path("apiVersion").asText(),
          ref.path("kind").asText(),
          ref.path("name").asText(),
          ref.path("uid").asText(),
          ref.path("controller").asBoolean(false),
          ref.path("blockOwnerDeletion").asBoolean(false)));
    }
    return result.build();
  }

  /** {@return a mutable deep copy of the tree} */
  public ObjectNode toMutableJson() {
    return json.deepCopy();
  }

  /**
   * {@return a new resource: {@code editor} changes a mutable copy of this tree}
   *
   * @param editor changes the copy in place
   * @throws InvalidResourceException if the edited tree is no longer a valid resource
   */
  public Resource edit(Consumer<ObjectNode> editor) {
    ObjectNode copy = json.deepCopy();
    editor.accept(copy);
    return of(copy);
  }

  /**
   * {@return a resource with {@code metadata.labels[name] = value}; this one if it already has it} Only the
   * root, the metadata and the labels are copied: the new tree shares every other (frozen) subtree with this
   * one.
   *
   * @param name the label key
   * @param value the label value
   */
  public Resource withLabel(String name, String value) {
    if (value.equals(labels().get(name))) {
      return this;
    }
    return withMetadataEntry("labels", name, value);
  }

  /**
   * {@return a resource with {@code metadata.annotations[name] = value}; this one if it already has it} Copied
   * as {@link #withLabel} copies.
   *
   * @param name the annotation key
   * @param value the annotation value
   */
  public Resource withAnnotation(String name, String value) {
    if (value.equals(annotations().get(name))) {
      return this;
    }
    return withMetadataEntry("annotations", name, value);
  }

  private Resource withMetadataEntry(String map, String name, String value) {
    ObjectNode root = shallowCopy(json);
    ObjectNode metadata = shallowCopy(json.get("metadata"));
    JsonNode entries = metadata.get(map);
    if (entries != null && !entries.isNull() && !entries.isObject()) {
      throw new UnsupportedOperationException("metadata." + map + " is not an object");
    }
    ObjectNode copy = entries != null && entries.isObject() ? shallowCopy(entries) : Json.object();
    copy.put(name, value);
    metadata.set(map, copy);
    root.set("metadata", metadata);
    return of(root);
  }

  /** A mutable object holding {@code node}'s (frozen) children. */
  private static ObjectNode shallowCopy(JsonNode node) {
    ObjectNode copy = Json.object();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      copy.set(field.getKey(), field.getValue());
    }
    return copy;
  }

  private static ImmutableMap<String, String> stringMap(JsonNode node) {
    if (!node.isObject() || node.isEmpty()) {
      return ImmutableMap.of();
    }
    ImmutableMap.Builder<String, String> result = ImmutableMap.builderWithExpectedSize(node.size());
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      result.put(field.getKey(), field.getValue().asText());
    }
    return result.buildOrThrow();
  }

  private static @Nullable String textOrNull(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof Resource that && key.equals(that.key) && json.equals(that.json);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + json.hashCode();
  }

  /** The key and the compact JSON, with Secret values masked (they must never reach logs). */
  @Override
  public String toString() {
    return key + " " + Json.write(Redaction.redact(this).json());
  }
}
