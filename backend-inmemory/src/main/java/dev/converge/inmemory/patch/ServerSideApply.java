package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.patch.ApplyConflictException.Conflict;
import dev.converge.inmemory.patch.FieldManagers.Entry;
import dev.converge.inmemory.patch.FieldManagers.Identity;
import dev.converge.inmemory.patch.SchemaWalk.Scope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Server-side apply ({@code application/apply-patch+yaml}), as structured-merge-diff's {@code
 * Updater.Apply} and the field manager of {@code k8s.io/apimachinery/pkg/util/managedfields} carry it out:
 *
 * <ol>
 *   <li>The applied configuration is merged into the live object: keyed lists by key, sets by value,
 *       atomic values whole.
 *   <li>The fields the configuration sets become the manager's set, replacing what it applied before.
 *   <li>Fields the manager applied before and leaves out now are removed from the object, unless another
 *       manager (applier or updater) owns them too.
 *   <li>Every field that the result adds or changes and that another manager owns is a conflict (a field
 *       applied with the value it already has is not: its ownership is shared). Without {@code force} the
 *       apply fails with all of them; with {@code force} the other managers lose those fields.
 *   <li>Every field the result removes is taken from the other managers.
 * </ol>
 *
 * <p>Writes to the main resource never touch {@code status}, and writes to the {@code status} subresource
 * touch only {@code status}, as Kubernetes' reset-fields strategies make them. The server-managed metadata
 * ({@code name}, {@code namespace}, {@code uid}, {@code resourceVersion}, {@code generation}, {@code
 * creationTimestamp}, ...) and {@code apiVersion}/{@code kind} are never owned ({@code stripmeta.go}).
 * Checking preconditions such as a {@code resourceVersion} in the configuration, and setting the
 * server-managed fields of the result, stay with the caller.
 */
public final class ServerSideApply {
  private static final FieldSet SERVER_MANAGED = serverManaged();

  private ServerSideApply() {}

  /**
   * Applies {@code applied} for {@code manager}. {@code live} null means the object is being created.
   * Returns the merged object with {@code metadata.managedFields} updated, under a new root that keeps the
   * frozen subtrees of {@code live} and {@code applied} it leaves unchanged; no input is
   * modified.
   *
   * @param apiVersion the version the configuration is written in, recorded in the manager's entry
   * @param time the RFC 3339 time recorded in the entry when this apply changes the object or the entry
   * @throws ApplyConflictException 409 when, without {@code force}, the apply would change fields other
   *     managers own
   * @throws PatchException 400 when {@code applied} carries {@code metadata.managedFields}, names no manager,
   *     or holds a keyed list element without its key or two elements with the same key
   */
  public static ObjectNode apply(GroupKind kind, @Nullable ObjectNode live, ObjectNode applied, String manager,
      boolean force, @Nullable String subresource, String apiVersion, String time) {
    return apply(MergeSchema.of(kind), live, applied, manager, force, subresource, apiVersion, time, FieldSetMemo.NONE);
  }

  /**
   * {@link #apply(GroupKind, ObjectNode, ObjectNode, String, boolean, String, String, String)} for an object
   * whose lists and maps merge as {@code schema} says (a custom resource's CRD schema, or the built-in tables),
   * reading the live object's field sets from {@code memo} where it knows them and remembering the ones it
   * writes.
   */
  public static ObjectNode apply(MergeSchema schema, @Nullable ObjectNode live, ObjectNode applied, String manager,
      boolean force, @Nullable String subresource, String apiVersion, String time, FieldSetMemo memo) {
    if (manager.isEmpty()) {
      throw PatchException.badRequest("PatchOptions.fieldManager is required for apply requests");
    }
    JsonNode managedFields = applied.path("metadata").get("managedFields");
    if (managedFields != null && !managedFields.isNull() && !(managedFields.isArray() && managedFields.isEmpty())) {
      throw PatchException.badRequest("metadata.managedFields must be nil");
    }
    Scope scope = Scope.of(subresource);
    ObjectNode config = inScope(applied, scope);
    // The same frozen configuration applied again has the same fields: computed once per configuration.
    FieldSetMemo.Applied known = memo.applied(schema, scope, applied);
    if (known == null) {
      FieldSet fields = OwnedFields.of(schema, scope, config, true);
      known = new FieldSetMemo.Applied(schema, scope, fields, fields.difference(SERVER_MANAGED));
      memo.rememberApplied(applied, known);
    }
    FieldSet appliedFields = known.fields();
    ObjectNode merged = ApplyMerge.merge(schema, live, config);

    FieldManagers managers = FieldManagers.of(live, memo);
    Identity self = Identity.apply(manager, subresource);
    Entry previous = managers.entries.remove(self);
    FieldSet lastFields = previous == null ? null : previous.fields();
    // The new set joins the others before pruning, unstripped, so that it protects metadata.name and with
    // it the whole metadata object, as in Kubernetes (the stripping happens after the merge).
    managers.entries.put(self, new Entry(appliedFields, apiVersion, previous == null ? null : previous.time));
    if (lastFields != null && !lastFields.isEmpty() && !appliedFields.covers(lastFields)) {
      // Only what the manager applied before and leaves out now can be pruned: nothing, if it applies all of it.
      merged = prune(schema, merged, managers, lastFields);
    }

    Comparison comparison = live == null ? null : Comparison.of(schema, scope, live, merged);
    if (comparison != null) {
      FieldSet changed = comparison.changed();
      if (!force) {
        rejectConflicts(managers, self, changed);
      }
      managers.takeAway(changed, self);
      managers.takeAway(comparison.removed, self);
    }

    Entry entry = managers.entries.get(self);
    // Unless other managers' changes reached it, the entry still holds the applied set, stripped already.
    if (entry.fields() == appliedFields) {
      entry.setApplied(known);
    } else {
      entry.setFields(entry.fields().difference(SERVER_MANAGED));
    }
    boolean entryChanged = previous == null || !previous.fields().sameAs(entry.fields());
    if (entry.fields().isEmpty()) {
      managers.entries.remove(self);
    } else if (comparison == null || !comparison.isSame() || entryChanged || entry.time == null) {
      entry.time = time;
    }
    if (!entryChanged) {
      entry.reuseEncodingOf(previous);
    }
    if (Json.isFrozen(merged)) {
      merged = Trees.shallowCopy(merged); // an unchanged merge is the live object itself; the result's root is new
    }
    managers.encodeInto(merged, memo);
    return merged;
  }

  /**
   * Throws if another manager owns a field the apply adds or changes, listing every such field by manager
   * (sorted as Kubernetes sorts manager identities) and path.
   */
  private static void rejectConflicts(FieldManagers managers, Identity self, FieldSet changed) {
    List<Conflict> conflicts = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    managers.entries.entrySet().stream()
        .filter(e -> !e.getKey().equals(self) && e.getValue().fields().intersects(changed))
        .sorted(Map.Entry.comparingByKey(Comparator.comparing(Identity::manager)
            .thenComparing(Identity::operation).thenComparing(Identity::apiVersion).thenComparing(Identity::subresource)))
        .forEach(e -> {
          lines.add("conflicts with " + e.getKey().describe() + ":");
          for (String path : e.getValue().fields().intersection(changed).paths()) {
            conflicts.add(new Conflict(e.getKey().manager(), path));
            lines.add("- " + path);
          }
        });
    if (conflicts.size() == 1) {
      String owner = lines.get(0).substring("conflicts with ".length(), lines.get(0).length() - 1);
      throw new ApplyConflictException(
          "Apply failed with 1 conflict: conflict with " + owner + ": " + conflicts.get(0).path(), conflicts);
    }
    if (!conflicts.isEmpty()) {
      throw new ApplyConflictException("Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines), conflicts);
    }
  }

  /**
   * Removes what the manager applied before and no longer applies, unless another manager owns it
   * (structured-merge-diff's {@code prune}, {@code addBackOwnedItems} and {@code addBackDanglingItems},
   * which together remove exactly these paths). Object fields above owned paths count as owned, so a
   * struct goes away when its last owned field does.
   */
  private static ObjectNode prune(MergeSchema schema, ObjectNode merged, FieldManagers managers, FieldSet lastFields) {
    List<FieldSet> owners = new ArrayList<>(managers.entries.size());
    for (Entry entry : managers.entries.values()) {
      owners.add(entry.fields());
    }
    FieldSet remove = FieldSet.namedDifference(lastFields, owners);
    return remove.isEmpty() ? merged : Removal.remove(schema, merged, remove);
  }

  /** The part of the configuration the write may touch, without the (empty) {@code managedFields}. */
  private static ObjectNode inScope(ObjectNode applied, Scope scope) {
    ObjectNode config = Json.object();
    for (Map.Entry<String, JsonNode> field : applied.properties()) {
      String key = field.getKey();
      if (scope == Scope.STATUS ? !key.equals("status") : key.equals("status")) {
        continue;
      }
      if (key.equals("metadata") && field.getValue().has("managedFields")) {
        ObjectNode metadata = field.getValue().deepCopy();
        metadata.remove("managedFields");
        config.set(key, metadata);
      } else {
        config.set(key, field.getValue());
      }
    }
    return config;
  }

  /** Kubernetes' {@code stripMetaManager} set: fields no manager ever owns. */
  private static FieldSet serverManaged() {
    FieldSet set = new FieldSet();
    set.add(PathElement.field("apiVersion"));
    set.add(PathElement.field("kind"));
    set.add(PathElement.field("metadata"));
    for (String field : List.of("name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName",
        "generation", "managedFields", "resourceVersion")) {
      set.child(PathElement.field("metadata")).add(PathElement.field(field));
    }
    return set;
  }

  /** The server-managed fields, for {@link ManagedFields}. */
  static FieldSet serverManagedFields() {
    return SERVER_MANAGED;
  }
}
