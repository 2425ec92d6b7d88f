package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A set of field paths, stored as a trie the way structured-merge-diff's {@code fieldpath.Set} is: at each
 * level the path elements that end a member path, and the child sets of longer paths. A path is in the set
 * when its last element is a member of the node its other elements lead to; an element can be both a member
 * and the root of a child set (a list element that is owned itself and has owned fields).
 *
 * <p>Each level is one array of its elements kept in their natural order (structured-merge-diff's, which is
 * also the FieldsV1 order), with a member flag and an optional child per element. Lookups are binary
 * searches; the set operations are merge walks of two sorted levels that allocate only the levels they
 * change and share every unchanged child with their operands; encoding to FieldsV1 needs no sorting.
 *
 * <p>A set is built in place with {@link #add}, {@link #child} and {@link #insert}, and is not changed once
 * it has been handed to a set operation: operations return new sets and leave their operands alone, but
 * their results share subtrees with the operands.
 */
final class FieldSet {
  private static final PathElement[] NO_ELEMENTS = new PathElement[0];
  private static final FieldSet[] NO_CHILDREN = new FieldSet[0];
  private static final boolean[] NO_FLAGS = new boolean[0];

  private PathElement[] elements;
  private boolean[] members;
  private @Nullable FieldSet[] children;
  private int size;

  FieldSet() {
    this.elements = NO_ELEMENTS;
    this.members = NO_FLAGS;
    this.children = NO_CHILDREN;
  }

  private FieldSet(int capacity) {
    this.elements = capacity == 0 ? NO_ELEMENTS : new PathElement[capacity];
    this.members = capacity == 0 ? NO_FLAGS : new boolean[capacity];
    this.children = capacity == 0 ? NO_CHILDREN : new FieldSet[capacity];
  }

  // ---------------------------------------------------------------- building and lookup

  /** Makes {@code element} a member at this level. */
  void add(PathElement element) {
    int i = slot(element); // before reading the array: inserting may replace it
    members[i] = true;
  }

  boolean contains(PathElement element) {
    int i = find(element);
    return i >= 0 && members[i];
  }

  /** The child set under {@code element}, created if absent. */
  FieldSet child(PathElement element) {
    int i = slot(element);
    FieldSet child = children[i];
    if (child == null) {
      child = new FieldSet();
      children[i] = child;
    }
    return child;
  }

  @Nullable FieldSet childOrNull(PathElement element) {
    int i = find(element);
    return i >= 0 ? children[i] : null;
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
    for (int i = 0; i < size; i++) {
      if (members[i]) {
        return false;
      }
    }
    for (int i = 0; i < size; i++) {
      FieldSet child = children[i];
      if (child != null && !child.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** The index of {@code element}, or {@code -(insertion point) - 1}. */
  private int find(PathElement element) {
    int low = 0;
    int high = size - 1;
    // Path elements are mostly appended in order (FieldsV1 is sorted) and looked up right after: try the end.
    if (high >= 0) {
      int c = elements[high].compareTo(element);
      if (c == 0) {
        return high;
      }
      if (c < 0) {
        return -(size + 1);
      }
      high--;
    }
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = elements[mid].compareTo(element);
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -(low + 1);
  }

  /** The index of {@code element}, inserted (neither member nor parent) if absent. */
  private int slot(PathElement element) {
    int i = find(element);
    if (i >= 0) {
      return i;
    }
    int at = -(i + 1);
    if (size == elements.length) {
      int capacity = Math.max(4, size * 2);
      elements = Arrays.copyOf(elements, capacity);
      members = Arrays.copyOf(members, capacity);
      children = Arrays.copyOf(children, capacity);
    }
    if (at < size) {
      System.arraycopy(elements, at, elements, at + 1, size - at);
      System.arraycopy(members, at, members, at + 1, size - at);
      System.arraycopy(children, at, children, at + 1, size - at);
    }
    elements[at] = element;
    members[at] = false;
    children[at] = null;
    size++;
    return at;
  }

  /** Appends an element known to sort after every element present (results of merge walks). */
  private void append(PathElement element, boolean member, @Nullable FieldSet child) {
    if (size == elements.length) {
      int capacity = Math.max(4, size * 2);
      elements = Arrays.copyOf(elements, capacity);
      members = Arrays.copyOf(members, capacity);
      children = Arrays.copyOf(children, capacity);
    }
    elements[size] = element;
    members[size] = member;
    children[size] = child;
    size++;
  }

  /**
   * Appends {@code element}, which must sort after every element present, unless it would hold nothing: not a
   * member and no (non-empty) child.
   */
  void appendUnlessEmpty(PathElement element, boolean member, @Nullable FieldSet child) {
    FieldSet kept = child == null || child.isEmpty() ? null : child;
    if (member || kept != null) {
      append(element, member, kept);
    }
  }

  // ---------------------------------------------------------------- set operations

  /** The paths in either set. */
  FieldSet union(FieldSet other) {
    if (other.size == 0) {
      return this;
    }
    if (size == 0) {
      return other;
    }
    FieldSet out = new FieldSet(size + other.size);
    int i = 0;
    int j = 0;
    while (i < size || j < other.size) {
      int c = i == size ? 1 : j == other.size ? -1 : elements[i].compareTo(other.elements[j]);
      if (c < 0) {
        out.append(elements[i], members[i], children[i]);
        i++;
      } else if (c > 0) {
        out.append(other.elements[j], other.members[j], other.children[j]);
        j++;
      } else {
        FieldSet mine = children[i];
        FieldSet theirs = other.children[j];
        FieldSet child = mine == null ? theirs : theirs == null ? mine : mine.union(theirs);
        out.append(elements[i], members[i] || other.members[j], child);
        i++;
        j++;
      }
    }
    return out;
  }

  /** The paths of this set that are not in {@code other} (exact paths: not "everything under them"). */
  FieldSet difference(FieldSet other) {
    if (other.size == 0 || size == 0) {
      return this;
    }
    FieldSet out = new FieldSet(size);
    boolean changed = false;
    int j = 0;
    for (int i = 0; i < size; i++) {
      PathElement element = elements[i];
      int c = -1;
      while (j < other.size && (c = other.elements[j].compareTo(element)) < 0) {
        j++;
      }
      if (j == other.size || c != 0) {
        out.appendUnlessEmpty(element, members[i], children[i]);
        continue;
      }
      boolean member = members[i] && !other.members[j];
      FieldSet mine = children[i];
      FieldSet theirs = other.children[j];
      FieldSet child = mine == null || theirs == null ? mine : mine.difference(theirs);
      changed |= member != members[i] || child != mine;
      out.appendUnlessEmpty(element, member, child);
    }
    return changed ? out : this;
  }

  /** The paths in both sets. */
  FieldSet intersection(FieldSet other) {
    FieldSet out = new FieldSet();
    int i = 0;
    int j = 0;
    while (i < size && j < other.size) {
      int c = elements[i].compareTo(other.elements[j]);
      if (c < 0) {
        i++;
      } else if (c > 0) {
        j++;
      } else {
        FieldSet mine = children[i];
        FieldSet theirs = other.children[j];
        out.appendUnlessEmpty(elements[i], members[i] && other.members[j],
            mine == null || theirs == null ? null : mine.intersection(theirs));
        i++;
        j++;
      }
    }
    return out;
  }

  /**
   * This set plus every object field that has owned paths below it, as structured-merge-diff's {@code
   * EnsureNamedFieldsAreMembers}: pruning compares these sets so that a struct whose every owned field goes
   * away goes away too. List elements and map keys are not added (they are members already when owned).
   */
  FieldSet withNamedFieldsAsMembers() {
    FieldSet out = new FieldSet(size);
    for (int i = 0; i < size; i++) {
      FieldSet child = children[i];
      boolean below = child != null && !child.isEmpty();
      out.appendUnlessEmpty(elements[i], members[i] || (below && elements[i].isField()),
          below ? child.withNamedFieldsAsMembers() : null);
    }
    return out;
  }

  /** Whether the two sets share at least one path; allocates nothing. */
  boolean intersects(FieldSet other) {
    int i = 0;
    int j = 0;
    while (i < size && j < other.size) {
      int c = elements[i].compareTo(other.elements[j]);
      if (c < 0) {
        i++;
      } else if (c > 0) {
        j++;
      } else {
        if (members[i] && other.members[j]) {
          return true;
        }
        FieldSet mine = children[i];
        FieldSet theirs = other.children[j];
        if (mine != null && theirs != null && mine.intersects(theirs)) {
          return true;
        }
        i++;
        j++;
      }
    }
    return false;
  }

  /** Whether every path of {@code other} is in this set; allocates nothing. */
  boolean covers(FieldSet other) {
    int i = 0;
    for (int j = 0; j < other.size; j++) {
      if (other.holdsNothing(j)) {
        continue;
      }
      PathElement element = other.elements[j];
      int c = -1;
      while (i < size && (c = elements[i].compareTo(element)) < 0) {
        i++;
      }
      if (i == size || c != 0) {
        return false;
      }
      if (other.members[j] && !members[i]) {
        return false;
      }
      FieldSet theirs = other.children[j];
      if (theirs != null && !theirs.isEmpty() && (children[i] == null || !children[i].covers(theirs))) {
        return false;
      }
    }
    return true;
  }

  /** Whether the two sets hold exactly the same paths. */
  boolean sameAs(FieldSet other) {
    if (this == other) {
      return true;
    }
    int i = 0;
    int j = 0;
    while (true) {
      while (i < size && holdsNothing(i)) {
        i++;
      }
      while (j < other.size && other.holdsNothing(j)) {
        j++;
      }
      if (i == size || j == other.size) {
        return i == size && j == other.size;
      }
      if (!elements[i].equals(other.elements[j]) || members[i] != other.members[j]) {
        return false;
      }
      FieldSet mine = children[i];
      FieldSet theirs = other.children[j];
      boolean mineEmpty = mine == null || mine.isEmpty();
      boolean theirsEmpty = theirs == null || theirs.isEmpty();
      if (mineEmpty != theirsEmpty || (!mineEmpty && !mine.sameAs(theirs))) {
        return false;
      }
      i++;
      j++;
    }
  }

  private boolean holdsNothing(int i) {
    FieldSet child = children[i];
    return !members[i] && (child == null || child.isEmpty());
  }

  /**
   * {@code last.withNamedFieldsAsMembers().difference(union of owners, each withNamedFieldsAsMembers())}
   * computed in one walk, without building the union or the copies: what an applier's pruning removes.
   */
  static FieldSet namedDifference(FieldSet last, List<FieldSet> owners) {
    return NamedDifference.of(last, owners);
  }

  /** A deep copy. */
  FieldSet copy() {
    FieldSet out = new FieldSet(size);
    for (int i = 0; i < size; i++) {
      FieldSet child = children[i];
      out.append(elements[i], members[i], child == null ? null : child.copy());
    }
    return out;
  }

  // ---------------------------------------------------------------- paths and encodings

  /** Every path in structured-merge-diff's notation ({@code .spec.replicas}), members before children at each level. */
  List<String> paths() {
    List<String> out = new ArrayList<>();
    forEachPath(new ArrayList<>(), out);
    return out;
  }

  private void forEachPath(List<PathElement> prefix, List<String> out) {
    for (int i = 0; i < size; i++) {
      if (members[i]) {
        out.add(render(prefix, elements[i]));
      }
    }
    for (int i = 0; i < size; i++) {
      FieldSet child = children[i];
      if (child != null) {
        prefix.add(elements[i]);
        child.forEachPath(prefix, out);
        prefix.remove(prefix.size() - 1);
      }
    }
  }

  private static String render(List<PathElement> prefix, PathElement last) {
    StringBuilder out = new StringBuilder();
    prefix.forEach(out::append);
    return out.append(last).toString();
  }

  /** The FieldsV1 JSON of this set ({@link FieldsV1#encode}), frozen. */
  ObjectNode toFieldsV1() {
    return FieldsV1.encode(this);
  }

  /**
   * Parses FieldsV1 JSON ({@link FieldsV1#decode}).
   *
   * @throws IllegalArgumentException if it is not valid FieldsV1
   */
  static FieldSet fromFieldsV1(JsonNode json) {
    return FieldsV1.decode(json);
  }

  // ---------------------------------------------------------------- level access, for FieldsV1

  /** An empty set with room for {@code capacity} elements at its top level. */
  static FieldSet withCapacity(int capacity) {
    return new FieldSet(capacity);
  }

  /** The number of elements at this level (members, parents of child sets, or both). */
  int size() {
    return size;
  }

  /** The {@code i}-th element at this level, in order. */
  PathElement elementAt(int i) {
    return elements[i];
  }

  /** Whether the {@code i}-th element is a member. */
  boolean memberAt(int i) {
    return members[i];
  }

  /** The child set under the {@code i}-th element, or null. */
  @Nullable FieldSet childAt(int i) {
    return children[i];
  }

  @Override
  public String toString() {
    return Json.write(toFieldsV1());
  }
}
