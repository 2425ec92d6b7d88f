package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.converge.core.schema.ListType;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The state shared by the server-side apply tree walks: the kind's schema, the field path from the root (which
 * is how {@link MergeSchema} is asked about lists and atomic objects), and which part of the object the operation
 * may see.
 */
abstract class SchemaWalk {
  /**
   * Which part of an object a write addresses. Kubernetes resets {@code status} on writes to the main
   * resource and everything but {@code status} on writes to the {@code status} subresource, and its field
   * manager ignores those fields ({@code GetResetFields}); {@code metadata.managedFields} is never compared.
   */
  enum Scope {
    MAIN,
    STATUS;

    static Scope of(@Nullable String subresource) {
      return "status".equals(subresource) ? STATUS : MAIN;
    }
  }

  final MergeSchema schema;
  final Scope scope;
  final ArrayList<String> fields = new ArrayList<>();

  SchemaWalk(MergeSchema schema, Scope scope) {
    this.schema = schema;
    this.scope = scope;
  }

  /** Whether the member {@code key} of the object at the current path is outside the operation's scope. */
  final boolean skip(String key) {
    if (fields.isEmpty()) {
      return scope == Scope.MAIN ? key.equals("status") : !key.equals("status");
    }
    return fields.size() == 1 && fields.get(0).equals("metadata") && key.equals("managedFields");
  }

  final void push(String field) {
    fields.add(field);
  }

  final void pop() {
    fields.remove(fields.size() - 1);
  }

  final ListType listType() {
    return schema.listType(fields);
  }

  final boolean atomicObject() {
    return schema.atomicObject(fields);
  }

  final boolean atomicElements() {
    return schema.atomicElements(fields);
  }

  final @Nullable JsonNode implicitEmpty() {
    return schema.implicitEmpty(fields);
  }

  /** The current path, for error messages. */
  final String where() {
    return fields.isEmpty() ? "the top level" : "." + String.join(".", fields);
  }

  /**
   * The path element of a list item: its key (key fields the item leaves out take the list's key defaults,
   * so {@code protocol} absent and {@code protocol: TCP} are the same port) or its value for a set.
   *
   * @param strict whether an item without its keys is an error (in an applied configuration: 400, as
   *     Kubernetes answers) or falls back to the item's index (in stored objects, which are not ours to
   *     reject)
   */
  final PathElement itemElement(ListType type, JsonNode item, int index, boolean strict) {
    if (type.kind() == ListType.Kind.SET) {
      if (item.isContainerNode()) {
        if (strict) {
          throw PatchException.badRequest(where() + ": the elements of a set must be scalars, got " + PatchValues.typeName(item));
        }
        return PathElement.index(index);
      }
      return PathElement.value(item);
    }
    if (!item.isObject()) {
      if (strict) {
        throw PatchException.badRequest(where() + ": associative list with keys may not have non-map elements");
      }
      return PathElement.index(index);
    }
    List<PathElement.KeyField> key = new ArrayList<>(type.keys().size());
    for (String name : type.keys()) {
      JsonNode value = item.get(name);
      if (value == null || value.isNull()) {
        String fallback = type.keyDefaults().get(name);
        if (fallback == null) {
          if (strict) {
            throw PatchException.badRequest(where() + ": associative list with keys has an element that omits key field \""
                + name + "\" (and doesn't have default value)");
          }
          return PathElement.index(index);
        }
        value = TextNode.valueOf(fallback);
      }
      key.add(new PathElement.KeyField(name, value));
    }
    return PathElement.key(key);
  }
}
