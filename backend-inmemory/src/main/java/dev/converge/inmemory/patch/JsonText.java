package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.converge.api.Json;

/**
 * JSON text of the scalars inside FieldsV1 keys ({@code k:{"name":"web"}}, {@code v:"finalizer"}), written
 * without an {@code ObjectMapper} for the common cases and exactly as {@link Json#write} writes them: strings
 * of printable ASCII (and any non-ASCII character, which Jackson leaves unescaped) quoted as they are, longs
 * and booleans as Java prints them. Anything else (control characters, quotes, backslashes, doubles, big
 * numbers) goes through {@link Json#write}, so the text is always Jackson's.
 */
final class JsonText {
  private JsonText() {}

  /** {@code value} as JSON text. */
  static String scalar(JsonNode value) {
    StringBuilder out = new StringBuilder();
    scalar(out, value);
    return out.toString();
  }

  /** Appends {@code value} as JSON text. */
  static void scalar(StringBuilder out, JsonNode value) {
    if (value.isTextual()) {
      string(out, value.textValue());
    } else if (value.isLong() || value.isInt() || value.isShort()) {
      out.append(value.longValue());
    } else if (value.isBoolean()) {
      out.append(value.booleanValue());
    } else if (value.isNull()) {
      out.append("null");
    } else {
      out.append(Json.write(value));
    }
  }

  /** Appends {@code text} as a JSON string. */
  static void string(StringBuilder out, String text) {
    if (!plain(text)) {
      out.append(Json.write(TextNode.valueOf(text)));
      return;
    }
    out.append('"').append(text).append('"');
  }

  /** Whether Jackson writes {@code text} between quotes unchanged: no control character, quote or backslash. */
  static boolean plain(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
