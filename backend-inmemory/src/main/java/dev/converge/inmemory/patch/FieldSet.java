package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A set of field paths, stored as a trie the way structured-merge-diff's {@code fieldpath.Set} is: at each
 * level the path elements that end a member path, and the child sets of longer paths. A path is in the set
 * when its last element is a member of the node its other elements lead to; an element can be both a member
 * and the root of a child set (a list element that is owned itself and has owned fields).
 *
 * <p>Set operations return new sets and leave their operands alone; {@link #add}, {@link #child} and {@link
 * #insert} build a set in place.
 */
final class FieldSet {
  private @Nullable Set<PathElement> members;
  private @Nullable Map<PathElement, FieldSet> children;

  FieldSet() {}

  /** Makes {@code element} a member at this level. */
  void add(PathElement element) {
    if (members == null) {
      members = new HashSet<>();
    }
    members.add(element);
  }

  boolean contains(PathElement element) {
    return members != null && members.contains(element);
  }

  /** The child set under {@code element}, created if absent. */
  FieldSet child(PathElement element) {
    if (children == null) {
      children = new HashMap<>();
    }
    return children.computeIfAbsent(element, e -> new FieldSet());
  }

  @Nullable FieldSet childOrNull(PathElement element) {
    return children == null ? null : children.get(element);
  }

  /** Adds the path {@code path} (not empty). */
  void insert(List<PathElement> path) {
    FieldSet node = this;
    for (int i = 0; i < path.size() - 1; i++) {
      node = node.child(path.get(i));
    }
    node.add(path.get(path.size() - 1));
  }

  boolean has(List<PathElement> path) {
    FieldSet node = this;
    for (int i = 0; i < path.size() - 1 && node != null; i++) {
      node = node.childOrNull(path.get(i));
    }
    return node != null && node.contains(path.get(path.size() - 1));
  }

  boolean isEmpty() {
    if (members != null && !members.isEmpty()) {
      return false;
    }
    if (children != null) {
      for (FieldSet child : children.values()) {
        if (!child.isEmpty()) {
          return false;
        }
      }
    }
    return true;
  }

  /** The paths in either set. */
  FieldSet union(FieldSet other) {
    FieldSet out = copy();
    out.addAll(other);
    return out;
  }

  private void addAll(FieldSet other) {
    if (other.members != null) {
      other.members.forEach(this::add);
    }
    if (other.children != null) {
      other.children.forEach((element, set) -> child(element).addAll(set));
    }
  }

  /** The paths of this set that are not in {@code other} (exact paths: not "everything under them"). */
  FieldSet difference(FieldSet other) {
    FieldSet out = new FieldSet();
    if (members != null) {
      for (PathElement member : members) {
        if (!other.contains(member)) {
          out.add(member);
        }
      }
    }
    if (children != null) {
      children.forEach((element, set) -> {
        FieldSet theirs = other.childOrNull(element);
        FieldSet rest = theirs == null ? set.copy() : set.difference(theirs);
        if (!rest.isEmpty()) {
          out.child(element).addAll(rest);
        }
      });
    }
    return out;
  }

  /** The paths in both sets. */
  FieldSet intersection(FieldSet other) {
    FieldSet out = new FieldSet();
    if (members != null) {
      for (PathElement member : members) {
        if (other.contains(member)) {
          out.add(member);
        }
      }
    }
    if (children != null) {
      children.forEach((element, set) -> {
        FieldSet theirs = other.childOrNull(element);
        if (theirs != null) {
          FieldSet both = set.intersection(theirs);
          if (!both.isEmpty()) {
            out.child(element).addAll(both);
          }
        }
      });
    }
    return out;
  }

  /**
   * This set plus every object field that has owned paths below it, as structured-merge-diff's {@code
   * EnsureNamedFieldsAreMembers}: pruning compares these sets so that a struct whose every owned field goes
   * away goes away too. List elements and map keys are not added (they are members already when owned).
   */
  FieldSet withNamedFieldsAsMembers() {
    FieldSet out = copy();
    out.addNamedFields();
    return out;
  }

  private void addNamedFields() {
    if (children != null) {
      children.forEach((element, set) -> {
        if (element.isField() && !set.isEmpty()) {
          add(element);
        }
        set.addNamedFields();
      });
    }
  }

  /** Whether the two sets share at least one path; allocates nothing. */
  boolean intersects(FieldSet other) {
    if (members != null && other.members != null) {
      Set<PathElement> small = members.size() <= other.members.size() ? members : other.members;
      Set<PathElement> large = small == members ? other.members : members;
      for (PathElement member : small) {
        if (large.contains(member)) {
          return true;
        }
      }
    }
    if (children != null && other.children != null) {
      for (Map.Entry<PathElement, FieldSet> child : children.entrySet()) {
        FieldSet theirs = other.children.get(child.getKey());
        if (theirs != null && child.getValue().intersects(theirs)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the two sets hold exactly the same paths. */
  boolean sameAs(FieldSet other) {
    Set<PathElement> mine = members == null ? Set.of() : members;
    Set<PathElement> theirs = other.members == null ? Set.of() : other.members;
    if (!mine.equals(theirs)) {
      return false;
    }
    if (children != null) {
      for (Map.Entry<PathElement, FieldSet> child : children.entrySet()) {
        FieldSet counterpart = other.childOrNull(child.getKey());
        if (counterpart == null ? !child.getValue().isEmpty() : !child.getValue().sameAs(counterpart)) {
          return false;
        }
      }
    }
    if (other.children != null) {
      // Children on both sides were compared above; only the other side's extra ones remain.
      for (Map.Entry<PathElement, FieldSet> child : other.children.entrySet()) {
        if (childOrNull(child.getKey()) == null && !child.getValue().isEmpty()) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * {@code last.withNamedFieldsAsMembers().difference(union of owners, each withNamedFieldsAsMembers())}
   * computed in one walk, without building the union or the copies: what an applier's pruning removes.
   */
  static FieldSet namedDifference(FieldSet last, List<FieldSet> owners) {
    FieldSet out = new FieldSet();
    last.namedDifferenceInto(owners, out);
    return out;
  }

  private void namedDifferenceInto(List<FieldSet> owners, FieldSet out) {
    if (members != null) {
      for (PathElement member : members) {
        if (!ownedNamed(owners, member)) {
          out.add(member);
        }
      }
    }
    if (children == null) {
      return;
    }
    for (Map.Entry<PathElement, FieldSet> child : children.entrySet()) {
      PathElement element = child.getKey();
      if (child.getValue().isEmpty()) {
        continue;
      }
      if (element.isField() && !contains(element) && !ownedNamed(owners, element)) {
        out.add(element);
      }
      List<FieldSet> below = new ArrayList<>(owners.size());
      for (FieldSet owner : owners) {
        FieldSet theirs = owner.childOrNull(element);
        if (theirs != null) {
          below.add(theirs);
        }
      }
      FieldSet rest = new FieldSet();
      child.getValue().namedDifferenceInto(below, rest);
      if (!rest.isEmpty()) {
        out.child(element).addAll(rest);
      }
    }
  }

  /** Whether some owner holds {@code element} as a member, or as an object field with paths below it. */
  private static boolean ownedNamed(List<FieldSet> owners, PathElement element) {
    for (FieldSet owner : owners) {
      if (owner.contains(element)) {
        return true;
      }
      if (element.isField()) {
        FieldSet below = owner.childOrNull(element);
        if (below != null && !below.isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }

  /** A deep copy. */
  FieldSet copy() {
    FieldSet out = new FieldSet();
    out.addAll(this);
    return out;
  }

  /** Calls {@code action} with every path, members before children at each level, each group sorted. */
  void forEachPath(Consumer<List<PathElement>> action) {
    forEachPath(new ArrayList<>(), action);
  }

  private void forEachPath(List<PathElement> prefix, Consumer<List<PathElement>> action) {
    if (members != null) {
      for (PathElement member : new TreeSet<>(members)) {
        prefix.add(member);
        action.accept(List.copyOf(prefix));
        prefix.remove(prefix.size() - 1);
      }
    }
    if (children != null) {
      for (PathElement element : new TreeSet<>(children.keySet())) {
        prefix.add(element);
        children.get(element).forEachPath(prefix, action);
        prefix.remove(prefix.size() - 1);
      }
    }
  }

  /** Every path in structured-merge-diff's notation ({@code .spec.replicas}), in {@link #forEachPath} order. */
  List<String> paths() {
    List<String> out = new ArrayList<>();
    forEachPath(path -> out.add(render(path)));
    return out;
  }

  static String render(List<PathElement> path) {
    StringBuilder out = new StringBuilder();
    path.forEach(out::append);
    return out.toString();
  }

  /**
   * The FieldsV1 JSON of this set: each element a key ({@code f:}, {@code k:}, {@code v:}, {@code i:}) in
   * sorted order, a member that has no children mapped to {@code {}}, and a member that also has children
   * marked with a leading {@code ".": {}} inside its object.
   */
  ObjectNode toFieldsV1() {
    ObjectNode out = Json.object();
    writeContents(out);
    return out;
  }

  private void writeContents(ObjectNode out) {
    TreeSet<PathElement> elements = new TreeSet<>();
    if (members != null) {
      elements.addAll(members);
    }
    if (children != null) {
      for (Map.Entry<PathElement, FieldSet> child : children.entrySet()) {
        if (!child.getValue().isEmpty()) {
          elements.add(child.getKey());
        }
      }
    }
    for (PathElement element : elements) {
      ObjectNode value = Json.object();
      FieldSet child = childOrNull(element);
      if (child != null && !child.isEmpty()) {
        if (contains(element)) {
          value.set(".", Json.object());
        }
        child.writeContents(value);
      }
      out.set(element.fieldsV1(), value);
    }
  }

  /**
   * Parses FieldsV1 JSON.
   *
   * @throws IllegalArgumentException if it is not valid FieldsV1
   */
  static FieldSet fromFieldsV1(JsonNode json) {
    if (!json.isObject()) {
      throw new IllegalArgumentException("FieldsV1 must be a JSON object");
    }
    FieldSet out = new FieldSet();
    out.readContents(json);
    return out;
  }

  private void readContents(JsonNode json) {
    for (Map.Entry<String, JsonNode> entry : json.properties()) {
      if (entry.getKey().equals(".")) {
        continue; // handled by the parent, which owns the element this object describes
      }
      PathElement element = PathElement.parse(entry.getKey());
      JsonNode value = entry.getValue();
      if (!value.isObject()) {
        throw new IllegalArgumentException("FieldsV1 values must be objects: " + entry.getKey());
      }
      if (value.isEmpty() || value.has(".")) {
        add(element);
      }
      if (value.size() > (value.has(".") ? 1 : 0)) {
        child(element).readContents(value);
      }
    }
  }

  @Override
  public String toString() {
    return Json.write(toFieldsV1());
  }
}
