package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.inmemory.patch.SchemaWalk.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * What the field set a create records depends on, and nothing more: the member names of every object in the
 * write's scope, in order, and the type of every other value. Two objects of one kind with the same shape are
 * created with the same field set whatever their values, because a create compares with nothing ({@link
 * Comparison} adds every leaf and every object it enters, and the implicit empty structs of the built-in
 * tables are empty objects, which only an object's emptiness and a value's type are compared with). A
 * non-empty list is keyed by its elements' values (an associative list by its keys, a set by its members), so
 * an object holding one has no shape: {@link #of} returns null and the create computes its set.
 *
 * <p>This is what lets a server record the managed fields of the Events a cluster creates by the hundred
 * thousand, which all have one of a few shapes, without comparing or encoding any of them (FieldSetMemo).
 */
final class CreatedShape {
  /** Shapes longer than this are not kept: large objects are created rarely and differ. */
  static final int MAX_TOKENS = 256;
  private static final Object OPEN = new Object();
  private static final Object CLOSE = new Object();

  private final MergeSchema schema;
  private final Scope scope;
  private final Object[] tokens;
  private final int hash;

  private CreatedShape(MergeSchema schema, Scope scope, Object[] tokens) {
    this.schema = schema;
    this.scope = scope;
    this.tokens = tokens;
    int h = 31 * System.identityHashCode(schema) + scope.hashCode();
    for (Object token : tokens) {
      h = 31 * h + token.hashCode();
    }
    this.hash = h;
  }

  /** The shape of {@code object} created in {@code scope} of {@code schema}'s kind, or null when it has none. */
  static @Nullable CreatedShape of(MergeSchema schema, Scope scope, JsonNode object) {
    if (!(object instanceof ObjectNode root)) {
      return null;
    }
    Walk walk = new Walk(scope);
    root.forEachEntry(walk);
    return walk.ok ? new CreatedShape(schema, scope, walk.tokens.toArray()) : null;
  }

  /**
   * Records each member's name and then its value's type, or {@link #OPEN}, the members of a non-empty object
   * and {@link #CLOSE}; members outside the scope (as {@link SchemaWalk#skip} has them) are left out.
   */
  private static final class Walk implements BiConsumer<String, JsonNode> {
    private final Scope scope;
    final List<Object> tokens = new ArrayList<>(64);
    private int depth;
    private boolean inMetadata;
    boolean ok = true;

    Walk(Scope scope) {
      this.scope = scope;
    }

    @Override
    public void accept(String name, JsonNode value) {
      if (!ok || skip(name)) {
        return;
      }
      if (value.isArray() && !value.isEmpty() || tokens.size() >= MAX_TOKENS - 2) {
        ok = false;
        return;
      }
      tokens.add(name);
      if (!value.isObject() || value.isEmpty()) {
        tokens.add(value.getNodeType());
        return;
      }
      boolean wasInMetadata = inMetadata;
      inMetadata = depth == 0 && name.equals("metadata");
      depth++;
      tokens.add(OPEN);
      ((ObjectNode) value).forEachEntry(this);
      tokens.add(CLOSE);
      depth--;
      inMetadata = wasInMetadata;
    }

    private boolean skip(String name) {
      if (depth == 0) {
        return scope == Scope.MAIN ? name.equals("status") : !name.equals("status");
      }
      return depth == 1 && inMetadata && name.equals("managedFields");
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof CreatedShape other) || other.hash != hash || other.schema != schema || other.scope != scope
        || other.tokens.length != tokens.length) {
      return false;
    }
    for (int i = 0; i < tokens.length; i++) {
      Object a = tokens[i];
      Object b = other.tokens[i];
      // Names compare by value; types and markers are single instances.
      if (a != b && !(a instanceof String && a.equals(b))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
