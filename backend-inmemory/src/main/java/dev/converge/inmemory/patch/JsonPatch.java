package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * JSON patch, RFC 6902 ({@code add}, {@code remove}, {@code replace}, {@code move}, {@code copy}, {@code
 * test}) with RFC 6901 pointers.
 *
 * <p>Status codes follow the Kubernetes API server: a document that is not an array of operation objects is
 * rejected with 400 before anything is applied; everything that goes wrong while applying (an unknown op, a
 * missing member, a path that does not exist, a failed {@code test}) is 422. The patch is atomic: it works
 * on a copy, so a failure leaves nothing half-applied.
 */
public final class JsonPatch {
  private JsonPatch() {}

  /**
   * Applies {@code patch} to {@code target} and returns a new tree; {@code target} is not modified.
   *
   * @throws PatchException 400 if the patch is not an array of objects, 422 if an operation fails or the
   *     result is not an object
   */
  public static ObjectNode apply(ObjectNode target, JsonNode patch) {
    if (!patch.isArray()) {
      throw PatchException.badRequest("a JSON patch must be an array of operations, got " + PatchValues.typeName(patch));
    }
    for (JsonNode op : patch) {
      if (!op.isObject()) {
        throw PatchException.badRequest("every JSON patch operation must be an object, got " + PatchValues.typeName(op));
      }
    }
    Document doc = new Document(target.deepCopy());
    for (int i = 0; i < patch.size(); i++) {
      doc.apply(patch.get(i), i);
    }
    if (!doc.root.isObject()) {
      throw PatchException.unprocessable("the patched document must be an object, got " + PatchValues.typeName(doc.root));
    }
    return (ObjectNode) doc.root;
  }

  /** The document being patched, whose root itself may be replaced. */
  private static final class Document {
    JsonNode root;

    Document(JsonNode root) {
      this.root = root;
    }

    void apply(JsonNode op, int index) {
      String name = requiredText(op, "op", index);
      List<String> path = pointer(requiredText(op, "path", index), index);
      switch (name) {
        case "add" -> add(path, PatchValues.copy(required(op, "value", index)), index);
        case "remove" -> remove(path, index);
        case "replace" -> {
          JsonNode value = required(op, "value", index);
          if (path.isEmpty()) {
            root = PatchValues.copy(value);
          } else {
            remove(path, index);
            add(path, PatchValues.copy(value), index);
          }
        }
        case "move" -> {
          List<String> from = pointer(requiredText(op, "from", index), index);
          // RFC 6902 4.4: "from" must not be a proper prefix of "path" (a value cannot move into itself).
          if (from.size() < path.size() && path.subList(0, from.size()).equals(from)) {
            throw fail(index, "cannot move " + render(from) + " into its own child " + render(path));
          }
          if (!from.equals(path)) {
            add(path, remove(from, index), index);
          }
        }
        case "copy" -> {
          List<String> from = pointer(requiredText(op, "from", index), index);
          add(path, PatchValues.copy(get(from, index)), index);
        }
        case "test" -> {
          JsonNode expected = required(op, "value", index);
          JsonNode actual = get(path, index);
          if (!PatchValues.equal(expected, actual)) {
            throw fail(index, "test failed: the value at " + render(path) + " is not " + expected);
          }
        }
        default -> throw fail(index, "unknown operation \"" + name + "\"");
      }
    }

    /** The value at {@code path}; 422 if there is none. */
    JsonNode get(List<String> path, int index) {
      JsonNode node = root;
      for (int i = 0; i < path.size(); i++) {
        node = child(node, path.get(i), path, index);
      }
      return node;
    }

    void add(List<String> path, JsonNode value, int index) {
      if (path.isEmpty()) {
        root = value;
        return;
      }
      JsonNode parent = get(path.subList(0, path.size() - 1), index);
      String token = path.get(path.size() - 1);
      if (parent instanceof ObjectNode object) {
        object.set(token, value);
      } else if (parent instanceof ArrayNode array) {
        if (token.equals("-")) {
          array.add(value);
        } else {
          int at = arrayIndex(token, array.size(), path, index);
          array.insert(at, value);
        }
      } else {
        throw fail(index, "cannot add " + render(path) + ": its parent is " + PatchValues.typeName(parent));
      }
    }

    /** Removes and returns the value at {@code path}; 422 if there is none. */
    JsonNode remove(List<String> path, int index) {
      if (path.isEmpty()) {
        throw fail(index, "cannot remove the whole document");
      }
      JsonNode parent = get(path.subList(0, path.size() - 1), index);
      String token = path.get(path.size() - 1);
      JsonNode removed = child(parent, token, path, index);
      if (parent instanceof ObjectNode object) {
        object.remove(token);
      } else {
        ((ArrayNode) parent).remove(arrayIndex(token, parent.size() - 1, path, index));
      }
      return removed;
    }

    private JsonNode child(JsonNode node, String token, List<String> path, int index) {
      JsonNode child = null;
      if (node.isObject()) {
        child = node.get(token);
      } else if (node.isArray()) {
        child = node.get(arrayIndex(token, node.size() - 1, path, index));
      }
      if (child == null) {
        throw fail(index, "path " + render(path) + " does not exist");
      }
      return child;
    }
  }

  /** An array index token (RFC 6901: decimal digits without leading zeros) within {@code [0, max]}. */
  private static int arrayIndex(String token, int max, List<String> path, int index) {
    boolean digits = !token.isEmpty() && token.length() <= 9 && (token.equals("0") || token.charAt(0) != '0');
    for (int i = 0; digits && i < token.length(); i++) {
      digits = Character.isDigit(token.charAt(i)) && token.charAt(i) < 128;
    }
    int at = digits ? Integer.parseInt(token) : -1;
    if (at < 0 || at > max) {
      throw fail(index, "invalid array index \"" + token + "\" in " + render(path));
    }
    return at;
  }

  /** Parses an RFC 6901 pointer into unescaped reference tokens. */
  private static List<String> pointer(String text, int index) {
    List<String> tokens = new ArrayList<>();
    if (text.isEmpty()) {
      return tokens;
    }
    if (text.charAt(0) != '/') {
      throw fail(index, "JSON pointer \"" + text + "\" must be empty or start with '/'");
    }
    StringBuilder token = new StringBuilder();
    for (int i = 1; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : '/';
      if (c == '/') {
        tokens.add(token.toString());
        token.setLength(0);
      } else if (c == '~') {
        char next = i + 1 < text.length() ? text.charAt(i + 1) : ' ';
        if (next != '0' && next != '1') {
          throw fail(index, "JSON pointer \"" + text + "\" has an invalid escape");
        }
        token.append(next == '0' ? '~' : '/');
        i++;
      } else {
        token.append(c);
      }
    }
    return tokens;
  }

  private static String render(List<String> path) {
    StringBuilder out = new StringBuilder();
    for (String token : path) {
      out.append('/').append(token.replace("~", "~0").replace("/", "~1"));
    }
    return out.toString();
  }

  private static JsonNode required(JsonNode op, String member, int index) {
    @Nullable JsonNode value = op.get(member);
    if (value == null) {
      throw fail(index, "missing \"" + member + "\"");
    }
    return value;
  }

  private static String requiredText(JsonNode op, String member, int index) {
    JsonNode value = required(op, member, index);
    if (!value.isTextual()) {
      throw fail(index, "\"" + member + "\" must be a string");
    }
    return value.textValue();
  }

  private static PatchException fail(int index, String message) {
    return PatchException.unprocessable("JSON patch operation " + index + ": " + message);
  }
}
