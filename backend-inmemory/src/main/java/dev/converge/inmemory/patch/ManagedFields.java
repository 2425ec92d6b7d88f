package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.inmemory.patch.FieldManagers.Entry;
import dev.converge.inmemory.patch.FieldManagers.Identity;
import dev.converge.inmemory.patch.SchemaWalk.Scope;
import org.jspecify.annotations.Nullable;

/**
 * Field ownership for the writes that are not applies: create, update (PUT) and every patch type. As in
 * Kubernetes' field manager ({@code managedfields/internal}), the fields a write adds or changes become the
 * writer's, in an entry with operation {@code Update}, and are taken from every other manager; the fields
 * it removes are taken from everyone. Updates never conflict: they are always "forced".
 *
 * <p>A write may carry {@code metadata.managedFields} itself: a non-empty list replaces the stored one
 * (clients may edit ownership that way), a list holding one empty entry {@code [{}]} clears it, and an
 * absent or empty list keeps the stored one, so that clients unaware of the field cannot wipe it. Writes to
 * the {@code status} subresource always keep the stored list.
 */
public final class ManagedFields {
  private ManagedFields() {}

  /**
   * Records a non-apply write by {@code manager}: the fields it changed become owned by it (operation {@code
   * Update}) and are taken away from other managers' sets. Returns {@code after} with {@code
   * metadata.managedFields} updated, as a new tree; no input is modified.
   *
   * @param before the stored object, or null for a create
   * @param after the object about to be stored
   * @param manager the field manager; empty is recorded as {@code unknown}, as Kubernetes does
   * @param subresource {@code status} for a status write, null for the main resource
   * @param apiVersion the version the write was made in, part of an updater's identity
   * @param time the RFC 3339 time recorded in the writer's entry when the write changes anything
   */
  public static ObjectNode recordUpdate(GroupKind kind, @Nullable ObjectNode before, ObjectNode after, String manager,
      @Nullable String subresource, String apiVersion, String time) {
    JsonNode managedFields = afterUpdate(kind, before, after, manager, subresource, apiVersion, time);
    ObjectNode out = after.deepCopy();
    ObjectNode metadata = out.withObjectProperty("metadata");
    if (managedFields == null) {
      metadata.remove("managedFields");
    } else {
      metadata.set("managedFields", managedFields);
    }
    return out;
  }

  /**
   * What {@link #recordUpdate} stores in {@code metadata.managedFields}, without copying the object: the
   * list (frozen), or null when no manager owns anything. The server calls this one and sets the list into
   * its own working tree.
   */
  public static @Nullable JsonNode afterUpdate(GroupKind kind, @Nullable ObjectNode before, ObjectNode after,
      String manager, @Nullable String subresource, String apiVersion, String time) {
    return afterUpdate(MergeSchema.of(kind), before, after, manager, subresource, apiVersion, time, FieldSetMemo.NONE);
  }

  /**
   * {@link #afterUpdate(GroupKind, ObjectNode, ObjectNode, String, String, String, String)} for an object whose
   * lists and maps compare as {@code schema} says, with a memo of field sets.
   */
  public static @Nullable JsonNode afterUpdate(MergeSchema schema, @Nullable ObjectNode before, ObjectNode after,
      String manager, @Nullable String subresource, String apiVersion, String time, FieldSetMemo memo) {
    Scope scope = Scope.of(subresource);
    CreatedShape shape = before == null && !suppliesManagedFields(after) ? memo.createdShape(schema, scope, after) : null;
    if (shape != null) {
      FieldSetMemo.Created known = memo.created(shape);
      if (known != null) {
        FieldManagers managers = new FieldManagers();
        Entry entry = new Entry(known.owned(), apiVersion, time);
        entry.encodedAs(known.fieldsV1());
        managers.entries.put(Identity.update(manager.isEmpty() ? "unknown" : manager, apiVersion, subresource), entry);
        return managers.encode(memo);
      }
    }
    FieldManagers managers = startingManagers(before, after, subresource, memo);
    Comparison comparison = Comparison.of(schema, scope, before, after);
    FieldSet changed = comparison.changed();
    managers.takeAway(changed, null);
    managers.takeAway(comparison.removed, null);

    FieldSet mine = changed.difference(comparison.removed).difference(ServerSideApply.serverManagedFields());
    if (!mine.isEmpty()) {
      Identity self = Identity.update(manager.isEmpty() ? "unknown" : manager, apiVersion, subresource);
      Entry entry = managers.entries.get(self);
      if (entry == null) {
        managers.entries.put(self, new Entry(mine, apiVersion, time));
      } else {
        entry.setFields(entry.fields().union(mine));
        entry.time = time;
      }
      managers.capUpdateManagers();
    }
    JsonNode encoded = managers.encode(memo);
    if (shape != null && encoded != null) {
      memo.rememberCreated(shape, mine, encoded.get(0).get("fieldsV1"));
    }
    return encoded;
  }

  /** Whether a write carries a {@code managedFields} list of its own (a create then starts from it). */
  private static boolean suppliesManagedFields(ObjectNode after) {
    JsonNode supplied = after.path("metadata").get("managedFields");
    return supplied != null && !(supplied.isArray() && supplied.isEmpty());
  }

  /**
   * Why {@code managedFields} cannot be decoded, or null when it can: what {@code DecodeManagedFields} in
   * k8s.io/apimachinery {@code util/managedfields/internal/managedfields.go} refuses — an operation other than
   * {@code Apply} or {@code Update}, an empty {@code apiVersion}, a missing or unknown {@code fieldsType}, a
   * {@code fieldsV1} that is not a field set. Null (absent) is valid.
   */
  public static @Nullable String problem(@Nullable JsonNode managedFields) {
    if (managedFields == null || managedFields.isNull()) {
      return null;
    }
    if (!managedFields.isArray()) {
      return "managedFields must be a list";
    }
    for (int i = 0; i < managedFields.size(); i++) {
      JsonNode entry = managedFields.get(i);
      String operation = entry.path("operation").asText("");
      if (!operation.equals("Apply") && !operation.equals("Update")) {
        return "operation must be `Apply` or `Update`";
      }
      if (entry.path("apiVersion").asText("").isEmpty()) {
        return "apiVersion must not be empty";
      }
      String fieldsType = entry.path("fieldsType").asText("");
      if (fieldsType.isEmpty()) {
        return "missing fieldsType in managed fields entry " + i;
      }
      if (!fieldsType.equals("FieldsV1")) {
        return "invalid fieldsType \"" + fieldsType + "\" in managed fields entry " + i;
      }
      JsonNode fieldsV1 = entry.get("fieldsV1");
      if (fieldsV1 != null) {
        try {
          FieldSet.fromFieldsV1(fieldsV1);
        } catch (IllegalArgumentException e) {
          return "error decoding versioned set from managed fields entry " + i + ": " + e.getMessage();
        }
      }
    }
    return null;
  }

  private static FieldManagers startingManagers(@Nullable ObjectNode before, ObjectNode after, @Nullable String subresource,
      FieldSetMemo memo) {
    JsonNode supplied = after.path("metadata").get("managedFields");
    if (subresource == null && supplied != null && supplied.isArray() && !supplied.isEmpty()) {
      if (supplied.size() == 1 && supplied.get(0).isObject() && supplied.get(0).isEmpty()) {
        return new FieldManagers(); // [{}]: the documented way to reset managedFields
      }
      FieldManagers decoded = FieldManagers.decode(supplied, memo);
      if (!decoded.entries.isEmpty()) {
        return decoded;
      }
    }
    return FieldManagers.of(before, memo);
  }
}
