package dev.converge.cli.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Resource;
import dev.converge.core.manifest.ManifestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One {@code --set KIND/NAME:PATH=VALUE}: the object ({@code KIND/NAME}, or {@code KIND/NAMESPACE/NAME} when
 * the name alone is ambiguous), a dotted path from the object's root ({@code spec.updateStrategy.type}, list
 * items as {@code containers[0]}, a dot within a field name escaped as Helm's {@code --set} takes it: {@code
 * metadata.annotations.crash-after\.sim\.converge\.dev/agent}), and a value parsed as YAML ({@code 10%} is a string, {@code 3} a number,
 * {@code {a: b}} an object). Missing objects on the path are created; the object's identity ({@code
 * apiVersion}, {@code kind}, {@code metadata.name}, {@code metadata.namespace}) cannot be changed.
 *
 * @param option {@code --set} or {@code --compare}
 * @param text the option's value as given
 * @param kind the kind's name ({@code DaemonSet})
 * @param namespace the namespace, or null when not given
 * @param name the object's name
 * @param path the path's segments: field names, and list indexes as {@code Integer}s
 * @param value the new value
 */
public record FieldEdit(String option, String text, String kind, @Nullable String namespace, String name, ImmutableList<Object> path,
    JsonNode value) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** A field name (a dot in it escaped as {@code \\.}) and its list indexes. */
  private static final Pattern SEGMENT = Pattern.compile("((?:[^.\\[\\]\\\\]|\\\\\\.)+)((?:\\[\\d+])*)");
  /** A dot that separates two fields: one not escaped. */
  private static final Pattern SEPARATOR = Pattern.compile("(?<!\\\\)\\.");
  private static final Set<String> IDENTITY = Set.of("apiVersion", "kind", "metadata.name", "metadata.namespace");

  /**
   * Parses {@code KIND/NAME:PATH=VALUE}.
   *
   * @throws ManifestException naming the option when it is malformed
   */
  public static FieldEdit parse(String option, String text) {
    int colon = text.indexOf(':');
    int equals = text.indexOf('=', Math.max(colon, 0));
    if (colon < 0 || equals < 0) {
      throw bad(option, text, "expected KIND/NAME:PATH=VALUE");
    }
    String[] target = text.substring(0, colon).split("/", -1);
    if (target.length < 2 || target.length > 3 || List.of(target).contains("")) {
      throw bad(option, text, "expected KIND/NAME or KIND/NAMESPACE/NAME before ':'");
    }
    String pathText = text.substring(colon + 1, equals);
    if (IDENTITY.contains(pathText)) {
      throw bad(option, text, pathText + " names the object and cannot be changed");
    }
    ImmutableList<Object> path = path(option, text, pathText);
    JsonNode value;
    try {
      String raw = text.substring(equals + 1);
      value = raw.isEmpty() ? YAML.getNodeFactory().textNode("") : YAML.readTree(raw);
      if (value == null || value.isMissingNode()) {
        value = YAML.getNodeFactory().nullNode();
      }
    } catch (JsonProcessingException e) {
      throw bad(option, text, "VALUE is not YAML: " + yamlProblem(e));
    }
    return target.length == 2
        ? new FieldEdit(option, text, target[0], null, target[1], path, value)
        : new FieldEdit(option, text, target[0], target[1], target[2], path, value);
  }

  /** Whether this edit addresses {@code resource}. */
  public boolean matches(Resource resource) {
    return resource.key().kind().equals(kind) && resource.name().equals(name)
        && (namespace == null || resource.namespace().equals(namespace));
  }

  /** {@code resource} with the value set at the path. */
  public Resource apply(Resource resource) {
    return resource.edit(tree -> {
      JsonNode node = tree;
      for (int i = 0; i < path.size() - 1; i++) {
        node = child(node, i);
      }
      Object last = path.get(path.size() - 1);
      if (last instanceof Integer index) {
        ArrayNode list = (ArrayNode) node;
        if (index >= list.size()) {
          throw ManifestException.input(this + ": " + describe(path.size() - 1) + " has no item " + index);
        }
        list.set(index, value.deepCopy());
      } else if (node instanceof ObjectNode object) {
        object.set((String) last, value.deepCopy());
      } else {
        throw ManifestException.input(this + ": " + describe(path.size() - 1) + " is not an object");
      }
    });
  }

  private JsonNode child(JsonNode node, int at) {
    Object segment = path.get(at);
    Object next = path.get(at + 1);
    if (segment instanceof Integer index) {
      if (!(node instanceof ArrayNode list) || index >= list.size()) {
        throw ManifestException.input(this + ": " + describe(at) + " has no item " + index);
      }
      return list.get(index);
    }
    if (!(node instanceof ObjectNode object)) {
      throw ManifestException.input(this + ": " + segment + " is inside a value that is not an object");
    }
    JsonNode child = object.get((String) segment);
    if (child == null || child.isNull()) {
      return next instanceof Integer ? object.putArray((String) segment) : object.putObject((String) segment);
    }
    return child;
  }

  private String describe(int upTo) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < upTo; i++) {
      Object segment = path.get(i);
      if (segment instanceof Integer index) {
        out.append('[').append(index).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(((String) segment).replace(".", "\\."));
      }
    }
    return out.length() == 0 ? "the object" : out.toString();
  }

  /** {@code --set KIND/NAME:PATH=VALUE}, as given. */
  @Override
  public String toString() {
    return option + " " + text;
  }

  private static ImmutableList<Object> path(String option, String text, String pathText) {
    List<Object> segments = new ArrayList<>();
    for (String part : SEPARATOR.split(pathText, -1)) {
      Matcher matcher = SEGMENT.matcher(part);
      if (!matcher.matches()) {
        throw bad(option, text, "PATH '" + pathText + "' is not a dotted path (spec.template.spec.containers[0].image;"
            + " a dot in a field name as \\., metadata.annotations.example\\.com/key)");
      }
      segments.add(matcher.group(1).replace("\\.", "."));
      Matcher index = Pattern.compile("\\[(\\d+)]").matcher(matcher.group(2));
      while (index.find()) {
        segments.add(Integer.parseInt(index.group(1)));
      }
    }
    return ImmutableList.copyOf(segments);
  }

  private static ManifestException bad(String option, String text, String problem) {
    return ManifestException.input(option + " " + text + ": " + problem);
  }

  /**
   * SnakeYAML's message spans several lines (context, snippet, caret, problem): one line with the problem, its
   * column in VALUE and what was being parsed, as the manifest reader reports YAML errors.
   */
  private static String yamlProblem(JsonProcessingException e) {
    if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked && marked.getProblem() != null
        && marked.getProblemMark() != null) {
      String problem = marked.getProblem() + " at column " + (marked.getProblemMark().getColumn() + 1);
      return marked.getContext() == null ? problem : problem + " (" + marked.getContext() + ")";
    }
    String message = e.getOriginalMessage() == null ? "invalid YAML" : e.getOriginalMessage();
    return message.lines().findFirst().orElse(message).strip();
  }
}
