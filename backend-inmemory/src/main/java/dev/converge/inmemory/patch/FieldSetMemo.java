package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.MapMaker;
import dev.converge.api.Json;
import dev.converge.inmemory.patch.SchemaWalk.Scope;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>Two more memos of the same kind serve server-side apply, whose clients send the same frozen
 * configuration again and again (an engine's every pass, to every cluster it manages): the field set of an
 * applied configuration (with and without the server-managed fields) and the FieldsV1 encoding of the
 * latter, keyed weakly by the configuration's frozen tree. They are pure functions of that tree and the
 * schema they were computed with (no server state), so they are shared by every server of the process.
 *
 * <p>The last memo is per server: what a create records for an object of a given {@link CreatedShape} (its
 * field set and that set's FieldsV1), so that the Events a simulated cluster creates by the hundred thousand,
 * in a few shapes, share one FieldsV1 tree instead of each comparing and encoding its own. It holds at most
 * {@link #MAX_CREATED_SHAPES} shapes and starts over when full.
 */
public final class FieldSetMemo {
  /** Remembers nothing: for callers that keep no state between writes. */
  static final FieldSetMemo NONE = new FieldSetMemo(false);

  private final @Nullable ConcurrentMap<JsonNode, FieldSet> sets;
  private final @Nullable ConcurrentMap<JsonNode, Applied> applied;
  private final @Nullable ConcurrentMap<CreatedShape, Created> created;

  /** Create shapes kept at most: a cluster's creates come in a few shapes per kind. */
  static final int MAX_CREATED_SHAPES = 4096;

  private static final ConcurrentMap<JsonNode, Applied> APPLIED = new MapMaker().weakKeys().makeMap();

  /**
   * The fields of an applied configuration of {@code schema}'s kind in {@code scope}: all, and without the
   * server-managed ones ({@code owned}, what the applier's entry holds), and the latter's FieldsV1 once written.
   */
  static final class Applied {
    private final MergeSchema schema;
    private final Scope scope;
    private final FieldSet fields;
    private final FieldSet owned;
    private volatile @Nullable JsonNode ownedFieldsV1;

    Applied(MergeSchema schema, Scope scope, FieldSet fields, FieldSet owned) {
      this.schema = schema;
      this.scope = scope;
      this.fields = fields;
      this.owned = owned;
    }

    FieldSet fields() {
      return fields;
    }

    FieldSet owned() {
      return owned;
    }

    @Nullable JsonNode ownedFieldsV1() {
      return ownedFieldsV1;
    }

    /** Keeps the frozen FieldsV1 written for {@link #owned()} (a pure function of it: any writer's will do). */
    void ownedFieldsV1(JsonNode written) {
      if (Json.isFrozen(written)) {
        ownedFieldsV1 = written;
      }
    }
  }

  private FieldSetMemo(boolean enabled) {
    this.sets = enabled ? new MapMaker().weakKeys().makeMap() : null;
    this.applied = enabled ? APPLIED : null;
    this.created = enabled ? new ConcurrentHashMap<>() : null;
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

  /**
   * The fields remembered for the frozen configuration {@code config} applied in {@code scope} to an object of
   * {@code schema} (the same instance: a CRD's new schema may key the same lists differently).
   */
  @Nullable Applied applied(MergeSchema schema, Scope scope, JsonNode config) {
    if (applied == null || !Json.isFrozen(config)) {
      return null;
    }
    Applied known = applied.get(config);
    return known != null && known.scope == scope && known.schema == schema ? known : null;
  }

  /** Remembers the fields of the frozen configuration {@code config} (neither set may change afterwards). */
  void rememberApplied(JsonNode config, Applied fields) {
    if (applied != null && Json.isFrozen(config)) {
      applied.put(config, fields);
    }
  }

  /**
   * The fields a create of an object of this shape records and their FieldsV1, as one entry of its writer
   * (a pure function of the shape, see {@link CreatedShape}).
   */
  record Created(FieldSet owned, JsonNode fieldsV1) {}

  /** The shape of objects whose creates are remembered, or null when this memo remembers nothing. */
  @Nullable CreatedShape createdShape(MergeSchema schema, Scope scope, ObjectNode object) {
    return created == null ? null : CreatedShape.of(schema, scope, object);
  }

  @Nullable Created created(CreatedShape shape) {
    return created == null ? null : created.get(shape);
  }

  /** Remembers what a create of {@code shape} records; the memo starts over past {@link #MAX_CREATED_SHAPES}. */
  void rememberCreated(CreatedShape shape, FieldSet owned, JsonNode fieldsV1) {
    if (created != null && Json.isFrozen(fieldsV1)) {
      if (created.size() >= MAX_CREATED_SHAPES) {
        created.clear();
      }
      created.put(shape, new Created(owned, fieldsV1));
      remember(fieldsV1, owned);
    }
  }

  /** How many trees are remembered now (a diagnostic; collected entries may still count until cleaned up). */
  public int size() {
    return sets == null ? 0 : sets.size();
  }
}
