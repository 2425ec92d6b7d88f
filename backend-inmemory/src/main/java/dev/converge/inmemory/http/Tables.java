package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.inmemory.server.ApiServer;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code Table} output ({@code meta.k8s.io/v1}), what {@code kubectl get} asks for: column definitions and one
 * row of cells per object, each row carrying the object as {@code PartialObjectMetadata} (the default
 * {@code includeObject=Metadata}; kubectl reads the namespace column and sorting keys from it), the whole object
 * ({@code Object}) or nothing ({@code None}). Built-in kinds use the printers' columns; custom resources use
 * their CRD's {@code additionalPrinterColumns} for the served version, or {@code Age} when it has none, as the
 * apiextensions table convertor does.
 */
final class Tables {
  private static final GroupKind CRD = GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition");
  private final ApiServer server;

  Tables(ApiServer server) {
    this.server = server;
  }

  ObjectNode table(ResourceType type, List<Resource> items, @Nullable String resourceVersion,
      @Nullable String continueToken, String includeObject, boolean withColumns) {
    ImmutableList<Column> columns = columns(type);
    Instant now = server.ticker().now();
    ObjectNode table = Json.object();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    if (resourceVersion != null) {
      metadata.put("resourceVersion", resourceVersion);
    }
    if (continueToken != null) {
      metadata.put("continue", continueToken);
    }
    ArrayNode definitions = table.putArray("columnDefinitions");
    if (withColumns) {
      for (Column column : columns) {
        definitions.add(column.definition());
      }
    }
    ArrayNode rows = table.putArray("rows");
    for (Resource item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column column : columns) {
        cells.add(column.cell().of(item, now));
      }
      switch (includeObject) {
        case "None":
          break;
        case "Object":
          row.set("object", item.json());
          break;
        default:
          row.set("object", partialMetadata(item));
      }
    }
    return table;
  }

  /** The object's {@code metadata} under {@code kind: PartialObjectMetadata}. */
  static ObjectNode partialMetadata(Resource object) {
    ObjectNode partial = Json.object();
    partial.put("kind", "PartialObjectMetadata");
    partial.put("apiVersion", "meta.k8s.io/v1");
    partial.set("metadata", object.metadata());
    return partial;
  }

  ImmutableList<Column> columns(ResourceType type) {
    if (ResourceTypes.builtins().find(type.groupKind()).isPresent()) {
      return BuiltinColumns.forKind(type.groupKind());
    }
    Resource[] crd = new Resource[1];
    String name = type.plural() + "." + type.group();
    server.locked(() -> crd[0] = server.cache().get(CRD, "", name));
    return crd[0] == null ? ImmutableList.of(Column.nameColumn(), Column.ageColumn()) : customColumns(crd[0], type.version());
  }

  /** The columns of a custom resource: name, then the version's printer columns (or the CRD-level ones), or age. */
  static ImmutableList<Column> customColumns(Resource crd, String version) {
    JsonNode printerColumns = crd.spec().path("additionalPrinterColumns");
    for (JsonNode served : crd.spec().path("versions")) {
      if (served.path("name").asText("").equals(version) && served.has("additionalPrinterColumns")) {
        printerColumns = served.path("additionalPrinterColumns");
      }
    }
    if (printerColumns.size() == 0) {
      return ImmutableList.of(Column.nameColumn(), Column.ageColumn());
    }
    ImmutableList.Builder<Column> columns = ImmutableList.builder();
    columns.add(Column.nameColumn());
    for (JsonNode column : printerColumns) {
      String type = column.path("type").asText("string");
      String path = column.path("jsonPath").asText("");
      columns.add(new Column(column.path("name").asText(""), type, column.path("format").asText(""),
          column.path("description").asText(""), column.path("priority").asInt(0),
          (object, now) -> cell(object, path, type, now)));
    }
    return columns.build();
  }

  /**
   * One printer-column cell: the value at {@code jsonPath} ({@code .a.b[0].c}), typed; {@code date} values print
   * as ages; an absent value is {@code null} ({@code <none>}).
   */
  static JsonNode cell(Resource object, String jsonPath, String type, Instant now) {
    JsonNode value = at(object.json(), jsonPath);
    if (value.isMissingNode() || value.isNull()) {
      return Json.nodes().nullNode();
    }
    if (type.equals("date")) {
      return Json.nodes().textNode(Ages.since(value.asText(""), now));
    }
    if (value.isContainerNode()) {
      return Json.nodes().textNode(Json.write(value));
    }
    return value;
  }

  /** A JSONPath of fields and indices as printer columns use them: {@code .status.agent.status}, {@code {.a[0]}}. */
  static JsonNode at(JsonNode root, String jsonPath) {
    String path = jsonPath.trim();
    if (path.startsWith("{") && path.endsWith("}")) {
      path = path.substring(1, path.length() - 1);
    }
    JsonNode node = root;
    for (String segment : path.split("\\.")) {
      if (segment.isEmpty()) {
        continue;
      }
      int bracket = segment.indexOf('[');
      String field = bracket < 0 ? segment : segment.substring(0, bracket);
      if (!field.isEmpty()) {
        node = node.path(field);
      }
      while (bracket >= 0) {
        int close = segment.indexOf(']', bracket);
        if (close < 0) {
          return Json.nodes().missingNode();
        }
        try {
          node = node.path(Integer.parseInt(segment.substring(bracket + 1, close)));
        } catch (NumberFormatException e) {
          return Json.nodes().missingNode();
        }
        bracket = segment.indexOf('[', close);
      }
    }
    return node;
  }
}
