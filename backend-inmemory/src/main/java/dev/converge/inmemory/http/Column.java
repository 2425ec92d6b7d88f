package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.time.Instant;

/**
 * One column of a {@code Table} ({@code metav1.TableColumnDefinition}) and how to compute its cell.
 *
 * @param name the header (kubectl upper-cases it)
 * @param type {@code string}, {@code integer}, {@code number}, {@code boolean} or {@code date}
 * @param format {@code name} for the object's name column, else empty
 * @param description what the column shows
 * @param priority 0 for the default view, 1 for {@code -o wide}
 * @param cell the cell of one object at an instant (for ages); {@code null} prints as {@code <none>}
 */
record Column(String name, String type, String format, String description, int priority, Cell cell) {

  /** Computes a cell. */
  @FunctionalInterface
  interface Cell {
    JsonNode of(Resource object, Instant now);
  }

  static Column nameColumn() {
    return new Column("Name", "string", "name", "Name must be unique within a namespace.", 0,
        (object, now) -> Json.nodes().textNode(object.name()));
  }

  static Column ageColumn() {
    return new Column("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when "
        + "this object was created.", 0,
        (object, now) -> Json.nodes().textNode(Ages.since(object.metadata().path("creationTimestamp").asText(""), now)));
  }

  static Column text(String name, int priority, String description, Cell cell) {
    return new Column(name, "string", "", description, priority, cell);
  }

  static Column integer(String name, int priority, String description, Cell cell) {
    return new Column(name, "integer", "", description, priority, cell);
  }

  ObjectNode definition() {
    return Json.object().put("name", name).put("type", type).put("format", format).put("description", description)
        .put("priority", priority);
  }
}
