package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.MapMaker;
import dev.converge.api.Json;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * The field sets of the frozen FieldsV1 trees a server has written or read, so that the next write of an
 * object does not decode its {@code managedFields} again. Kubernetes decodes them on every write; here the
 * set an apply or update computed is kept beside the FieldsV1 it wrote.
 *
 * <p>Keyed by node identity and held weakly: an entry lives as long as the FieldsV1 tree it describes, which
 * lives as long as a stored version of its object (or a watch event) holds it, so the memo never outgrows the
 * store. Only frozen trees are remembered (a mutable one could change under its set). A memoized value is a
 * pure function of its key, so the memo changes no result. One per server ({@code PatchPackageEngine}).
 */
public final class FieldSetMemo {
  /** Remembers nothing: for callers that keep no state between writes. */
  static final FieldSetMemo NONE = new FieldSetMemo(false);

  private final @Nullable ConcurrentMap<JsonNode, FieldSet> sets;

  private FieldSetMemo(boolean enabled) {
    this.sets = enabled ? new MapMaker().weakKeys().makeMap() : null;
  }

  /** A new, empty memo. */
  public static FieldSetMemo create() {
    return new FieldSetMemo(true);
  }

  @Nullable FieldSet recall(JsonNode fieldsV1) {
    return sets == null || !Json.isFrozen(fieldsV1) ? null : sets.get(fieldsV1);
  }

  /** Remembers that frozen {@code fieldsV1} encodes {@code fields}, which must not change afterwards. */
  void remember(JsonNode fieldsV1, FieldSet fields) {
    if (sets != null && fieldsV1.isContainerNode() && Json.isFrozen(fieldsV1)) {
      sets.put(fieldsV1, fields);
    }
  }

  /** How many trees are remembered now (a diagnostic; collected entries may still count until cleaned up). */
  public int size() {
    return sets == null ? 0 : sets.size();
  }
}
