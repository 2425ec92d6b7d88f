package dev.converge.inmemory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.patch.ApplyConflictException;
import dev.converge.inmemory.patch.FieldSetMemo;
import dev.converge.inmemory.patch.JsonPatch;
import dev.converge.inmemory.patch.ManagedFields;
import dev.converge.inmemory.patch.MergeSchema;
import dev.converge.inmemory.patch.MergePatch;
import dev.converge.inmemory.patch.PatchException;
import dev.converge.inmemory.patch.ServerSideApply;
import dev.converge.inmemory.patch.StrategicMergePatch;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.PatchEngine;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The server's {@link PatchEngine} over the pure algorithms of {@code dev.converge.inmemory.patch}: it calls
 * them (with each custom kind's merge schema, compiled once per CRD schema) and turns their failures into the {@code BackendException}s the server answers with ({@code
 * PatchException} keeps its 400/415/422; an {@code ApplyConflictException} becomes a 409 listing
 * {@code "<manager>: <path>"} for every conflicting field).
 */
final class PatchPackageEngine implements PatchEngine {
  private final FieldSetMemo memo = FieldSetMemo.create();
  private final ConcurrentMap<GroupKind, MergeSchema> custom = new ConcurrentHashMap<>();

  /** An engine with its own memo of field sets: one per server. */
  PatchPackageEngine() {}

  @Override
  public ObjectNode mergePatch(ObjectNode target, JsonNode patch) {
    // The server only freezes the result: untouched frozen subtrees are shared, not deep-copied and re-frozen.
    return translate(() -> MergePatch.applySharing(target, patch));
  }

  @Override
  public ObjectNode jsonPatch(ObjectNode target, JsonNode patch) {
    return translate(() -> JsonPatch.apply(target, patch));
  }

  @Override
  public ObjectNode strategicMergePatch(GroupKind kind, ObjectNode target, JsonNode patch) {
    return translate(() -> StrategicMergePatch.apply(kind, target, patch));
  }

  @Override
  public ObjectNode apply(GroupKind kind, @Nullable JsonNode customSchema, @Nullable ObjectNode live, ObjectNode applied,
      String manager, boolean force, @Nullable String subresource, String apiVersion, String time) {
    MergeSchema schema = schema(kind, customSchema);
    return translate(() -> ServerSideApply.apply(schema, live, applied, manager, force, subresource, apiVersion, time, memo));
  }

  @Override
  public ObjectNode recordUpdate(GroupKind kind, @Nullable JsonNode customSchema, @Nullable ObjectNode before,
      ObjectNode after, String manager, @Nullable String subresource, String apiVersion, String time) {
    // A writer changing only values it alone owns (a kubelet's lease or status) keeps every field set: the
    // shortcut moves its time without decoding anything, exactly as the full algorithm would.
    JsonNode quick = OwnedValuesShortcut.managedFields(before, after, manager, subresource, apiVersion, time);
    if (quick != null) {
      Trees.object(after, "metadata").set("managedFields", quick);
      return after;
    }
    // Keep the server's copy-on-write tree (whose untouched subtrees are still frozen and need no second copy)
    // and set only the new managedFields into it.
    MergeSchema schema = schema(kind, customSchema);
    JsonNode managedFields = translate(() -> ManagedFields.afterUpdate(schema, before, after, manager, subresource, apiVersion, time, memo));
    ObjectNode metadata = Trees.object(after, "metadata");
    if (managedFields == null) {
      metadata.remove("managedFields");
    } else {
      metadata.set("managedFields", managedFields);
    }
    return after;
  }

  /**
   * The merge schema of {@code kind}: the built-in tables, or the custom resource's CRD schema, compiled once
   * per schema tree (a changed CRD brings a new tree, and the kind's entry is replaced).
   */
  private MergeSchema schema(GroupKind kind, @Nullable JsonNode customSchema) {
    if (customSchema == null) {
      return MergeSchema.of(kind);
    }
    MergeSchema known = custom.get(kind);
    if (known == null || !known.compiledFrom(customSchema)) {
      known = MergeSchema.of(kind, customSchema);
      custom.put(kind, known);
    }
    return known;
  }

  private static <T extends @Nullable Object> T translate(Supplier<T> call) {
    try {
      return call.get();
    } catch (PatchException e) {
      throw new BackendException.Invalid(e.getMessage(), ImmutableList.of(), e.code());
    } catch (ApplyConflictException e) {
      ImmutableList.Builder<String> fields = ImmutableList.builder();
      for (ApplyConflictException.Conflict conflict : e.conflicts()) {
        fields.add(conflict.manager() + ": " + conflict.path());
      }
      throw new BackendException.Conflict(e.getMessage(), fields.build());
    }
  }
}
