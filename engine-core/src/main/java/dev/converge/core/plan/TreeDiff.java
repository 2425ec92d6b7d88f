package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.Diff;
import dev.converge.api.FieldChange;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Redaction;
import dev.converge.api.Resource;
import dev.converge.core.schema.ListKeys;
import dev.converge.core.schema.ListTypes;
import dev.converge.core.schema.ListType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The field-level diff of one desired object against its live copy. Not thread-safe: one instance per
 * planning pass, reused across objects (its path stack and change buffer are recycled).
 *
 * <p>Rules, from DESIGN.md §3 and Kubernetes' own merge semantics:
 * <ul>
 *   <li>only fields the desired object sets are compared; the live object may hold more (server defaults);
 *   <li>{@code apiVersion}, {@code kind}, {@code status} and the server-managed {@code metadata} fields are
 *       ignored ({@code apiVersion} because one stored object is served at several versions);
 *   <li>lists follow {@link ListTypes} (built-in kinds: {@link ListKeys}; custom resources: their CRD
 *       schema's list markers, when the plan has the CRD): map lists match elements by key (server-defaulted keys included), sets
 *       need every desired element present, atomic lists compare whole but element by element with the same
 *       rules (a defaulted field inside an element is no difference);
 *   <li>scalars by {@link DiffValues#sameScalar}; a desired zero value against an absent live field is no
 *       difference ({@code omitempty}), against another live value it is;
 *   <li>where a difference remains, the {@link NormalizerRegistry} rules for its path and enclosing paths may
 *       drop it; Secret {@code data}/{@code stringData} values are masked in the changes.
 * </ul>
 */
final class TreeDiff {
  /** Fields the server manages; desired values for them are never compared. */
  static final ImmutableSet<String> IGNORED_METADATA = ImmutableSet.of(
      "resourceVersion", "uid", "generation", "creationTimestamp", "managedFields", "selfLink",
      "deletionTimestamp", "deletionGracePeriodSeconds");

  private final NormalizerRegistry registry;
  private final ListTypes listTypes;
  private final DiffPath path = new DiffPath();
  private final ArrayList<FieldChange> changes = new ArrayList<>();
  private GroupKind kind = GroupKind.of("", "Unset");
  private String version = "";
  private ObjectNode liveObject = Json.object();
  private boolean secret;
  private @Nullable ImmutableList<NormalizerRegistry.Entry> rules;
  private int rewritingDepth = -1;
  private final Json.PairVisitor fieldVisitor = this::field;
  private final Json.PairVisitor rootVisitor = this::rootField;
  private final Json.PairVisitor metadataVisitor = this::metadataField;

  TreeDiff(NormalizerRegistry registry, ListTypes listTypes) {
    this.registry = registry;
    this.listTypes = listTypes;
  }

  /** What differs between {@code desired} and {@code live}; {@link Diff#none()} when live satisfies desired. */
  Diff diff(Resource desired, Resource live) {
    kind = desired.groupKind();
    version = desired.version();
    liveObject = live.json();
    secret = Redaction.isSecretField(kind, "data");
    rules = null;
    rewritingDepth = -1;
    path.clear();
    changes.clear();
    Json.forEachPaired(desired.json(), liveObject, rootVisitor);
    return changes.isEmpty() ? Diff.none() : Diff.of(ImmutableList.copyOf(changes));
  }

  private void rootField(String name, JsonNode want, @Nullable JsonNode have) {
    if (name.equals("apiVersion") || name.equals("kind") || name.equals("status")) {
      return;
    }
    path.pushField(name);
    if (name.equals("metadata") && want instanceof ObjectNode && have instanceof ObjectNode) {
      Json.forEachPaired((ObjectNode) want, (ObjectNode) have, metadataVisitor);
    } else {
      compare(want, have);
    }
    path.pop();
  }

  private void metadataField(String name, JsonNode want, @Nullable JsonNode have) {
    if (!IGNORED_METADATA.contains(name)) {
      field(name, want, have);
    }
  }

  /**
   * Compares one desired node with its live counterpart. Node types are told apart by class rather than by
   * {@code isObject()}/{@code isNull()}, each a virtual call on a megamorphic receiver: this runs once per
   * desired node, millions of times per large plan.
   */
  private void compare(JsonNode want, @Nullable JsonNode have) {
    if (want == have) {
      // One node (a shared value: small numbers, booleans, a subtree both trees took from one place).
      return;
    }
    int mark = changes.size();
    if (have == null || have instanceof MissingNode || have instanceof NullNode && !(want instanceof NullNode)) {
      absent(want);
    } else if (want instanceof ObjectNode) {
      if (have instanceof ObjectNode) {
        object(want, have);
      } else {
        record(have, want);
      }
    } else if (want instanceof ArrayNode) {
      if (have instanceof ArrayNode) {
        list(want, have);
      } else {
        record(have, want);
      }
    } else if (!DiffValues.sameScalar(want, have)) {
      record(have, want);
    }
    if (changes.size() > mark && !registry.isEmpty()) {
      normalize(mark, want, have);
    }
  }

  /**
   * Walks the fields of {@code want} paired with those of {@code have} ({@link Json#forEachPaired}): no entry
   * wrappers, and no name looked up once the two objects' shapes have been paired.
   */
  private void object(JsonNode want, JsonNode have) {
    Json.forEachPaired((ObjectNode) want, (ObjectNode) have, fieldVisitor);
  }

  private void field(String name, JsonNode want, @Nullable JsonNode have) {
    path.pushField(name);
    compare(want, have);
    path.pop();
  }

  /** The live object lacks the field: zero values are no difference; objects are reported field by field. */
  private void absent(JsonNode want) {
    if (DiffValues.isZero(want)) {
      return;
    }
    if (want.isObject()) {
      for (Map.Entry<String, JsonNode> field : want.properties()) {
        path.pushField(field.getKey());
        compare(field.getValue(), null);
        path.pop();
      }
      return;
    }
    record(null, want);
  }

  private void list(JsonNode want, JsonNode have) {
    ListType type = listTypes.of(kind, version, path.fields());
    switch (type.kind()) {
      case MAP:
        if (allObjects(want)) {
          mapList(want, have, type);
          return;
        }
        break;
      case SET:
        for (int i = 0, n = want.size(); i < n; i++) {
          if (!containsScalar(have, want.get(i))) {
            record(have, want);
            return;
          }
        }
        return;
      default:
        break;
    }
    if (want.size() != have.size()) {
      record(have, want);
      return;
    }
    for (int i = 0; i < want.size(); i++) {
      path.pushElement(want.get(i), ListType.atomic(), i);
      compare(want.get(i), have.get(i));
      path.pop();
    }
  }

  private void mapList(JsonNode want, JsonNode have, ListType type) {
    for (int i = 0; i < want.size(); i++) {
      JsonNode element = want.get(i);
      path.pushElement(element, type, i);
      JsonNode match = find(have, element, type, i);
      if (match == null) {
        int mark = changes.size();
        if (!DiffValues.isZero(element)) {
          record(null, element);
        }
        if (changes.size() > mark && !registry.isEmpty()) {
          normalize(mark, element, null);
        }
      } else {
        compare(element, match);
      }
      path.pop();
    }
  }

  /** The live element with the same keys; lists usually keep their order, so index {@code hint} goes first. */
  private static @Nullable JsonNode find(JsonNode have, JsonNode element, ListType type, int hint) {
    if (hint < have.size() && sameKeys(element, have.get(hint), type)) {
      return have.get(hint);
    }
    for (int i = 0; i < have.size(); i++) {
      if (i != hint && sameKeys(element, have.get(i), type)) {
        return have.get(i);
      }
    }
    return null;
  }

  private static boolean sameKeys(JsonNode want, JsonNode have, ListType type) {
    if (!(have instanceof ObjectNode)) {
      return false;
    }
    List<String> keys = type.keys();
    for (int k = 0, n = keys.size(); k < n; k++) {
      String key = keys.get(k);
      JsonNode a = want.get(key);
      JsonNode b = have.get(key);
      if (a == null || a instanceof NullNode) {
        String fallback = type.keyDefaults().get(key);
        if (fallback == null) {
          if (b != null && !b.isNull()) {
            return false;
          }
          continue;
        }
        a = Json.nodes().textNode(fallback);
      }
      if (b == null || b instanceof NullNode) {
        String fallback = type.keyDefaults().get(key);
        if (fallback == null) {
          return false;
        }
        b = Json.nodes().textNode(fallback);
      }
      if (!DiffValues.sameScalar(a, b)) {
        return false;
      }
    }
    return true;
  }

  private static boolean allObjects(JsonNode list) {
    for (int i = 0, n = list.size(); i < n; i++) {
      if (!(list.get(i) instanceof ObjectNode)) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsScalar(JsonNode list, JsonNode value) {
    for (int i = 0, n = list.size(); i < n; i++) {
      if (DiffValues.sameScalar(value, list.get(i))) {
        return true;
      }
    }
    return false;
  }

  /** Lets the registry's rules for the current path drop or rewrite the differences recorded since {@code mark}. */
  private void normalize(int mark, JsonNode want, @Nullable JsonNode have) {
    if (path.depth() == rewritingDepth) {
      return;
    }
    ImmutableList<NormalizerRegistry.Entry> applicable = rules;
    if (applicable == null) {
      applicable = registry.forKind(kind);
      rules = applicable;
    }
    JsonNode current = want;
    String rendered = null;
    for (NormalizerRegistry.Entry entry : applicable) {
      if (!entry.pattern().matches(path)) {
        continue;
      }
      if (rendered == null) {
        rendered = path.toString();
      }
      ValueAt at = new ValueAt(kind, rendered, path.lastField(), current, have, liveObject);
      JsonNode rewritten = entry.rule().rewrite(at);
      if (rewritten != current) {
        current = Json.freeze(rewritten);
        truncate(mark);
        int saved = rewritingDepth;
        rewritingDepth = path.depth();
        compare(current, have);
        rewritingDepth = saved;
        if (changes.size() == mark) {
          return;
        }
        at = new ValueAt(kind, rendered, path.lastField(), current, have, liveObject);
      }
      if (entry.rule().satisfies(at)) {
        truncate(mark);
        return;
      }
    }
  }

  private void truncate(int mark) {
    while (changes.size() > mark) {
      changes.remove(changes.size() - 1);
    }
  }

  private void record(@Nullable JsonNode before, @Nullable JsonNode after) {
    String at = path.toString();
    if (secret && (path.topField().equals("data") || path.topField().equals("stringData"))) {
      changes.add(new FieldChange(at, SecretMask.mask(before), SecretMask.mask(after)));
    } else {
      changes.add(new FieldChange(at, before, after));
    }
  }
}
