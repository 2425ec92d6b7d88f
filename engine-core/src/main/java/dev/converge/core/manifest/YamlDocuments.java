package dev.converge.core.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Splits a YAML stream into its documents. Empty documents (nothing, or only comments, between two {@code
 * ---}) are skipped but still counted, so indices match what a reader counts in the file. Syntax errors,
 * duplicate keys and aliases become a {@link ManifestException} naming the document, line and column.
 */
final class YamlDocuments {
  /**
   * SnakeYAML refuses streams over 3 MiB by default; a bundle of CRDs (prometheus-operator's is ~8 MiB) is
   * larger, so the reader allows 64 MiB, far above the 1.5 MiB etcd allows for any one object.
   */
  private static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

  private static final YAMLFactory FACTORY = YAMLFactory.builder().loaderOptions(loaderOptions()).build();
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  private YamlDocuments() {}

  private static LoaderOptions loaderOptions() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CODE_POINTS);
    return options;
  }

  /** The non-empty documents of {@code in}, a file the user knows as {@code file}. */
  static ImmutableList<YamlDocument> read(String file, InputStream in) {
    ImmutableList.Builder<YamlDocument> documents = ImmutableList.builder();
    int index = 0;
    try (YAMLParser yaml = (YAMLParser) FACTORY.createParser(in)) {
      // Kubernetes' YAML decoder rejects duplicate keys ("mapping key already defined"); silently keeping the
      // last one would plan something other than what the user reads.
      yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      JsonParser parser = new RejectingAliases(yaml);
      while (true) {
        index++;
        if (parser.nextToken() == null) {
          break;
        }
        JsonNode tree = MAPPER.readTree(parser);
        if (!isEmpty(tree)) {
          documents.add(new YamlDocument(new ManifestSource(file, index), tree));
        }
      }
    } catch (AliasFound e) {
      throw ManifestException.document(new ManifestSource(file, index), position(e.location),
          "YAML aliases are not supported (*" + e.alias + "): write the value out in full");
    } catch (JsonProcessingException e) {
      throw syntaxError(new ManifestSource(file, index), e);
    } catch (IOException e) {
      throw ManifestException.file(file, "cannot read: " + e.getMessage(), e);
    }
    return documents.build();
  }

  /** An empty document parses as an empty string or null, as kubectl also treats it. */
  private static boolean isEmpty(@Nullable JsonNode tree) {
    return tree == null || tree.isNull() || tree.isMissingNode() || (tree.isTextual() && tree.asText().isEmpty());
  }

  /**
   * One line from a parser error. SnakeYAML's errors span several lines (context, snippet, caret, problem);
   * the problem, its position and the construct being parsed are what a user needs.
   */
  private static ManifestException syntaxError(ManifestSource source, JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null && marked.getProblemMark() != null) {
      String problem = marked.getProblem();
      Mark context = marked.getContextMark();
      if (marked.getContext() != null && context != null) {
        problem += " (" + marked.getContext() + " at " + position(context) + ")";
      }
      return ManifestException.document(source, position(marked.getProblemMark()), problem, e);
    }
    String problem = firstLine(e.getOriginalMessage());
    if (problem.startsWith("Duplicate field ")) {
      problem = "duplicate key " + problem.substring("Duplicate field ".length());
    }
    return ManifestException.document(source, position(e.getLocation()), problem, e);
  }

  /** SnakeYAML's marks count from 0; people count lines and columns from 1, as Jackson's locations do. */
  private static String position(Mark mark) {
    return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }

  private static String position(@Nullable JsonLocation location) {
    return location == null ? "" : "line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "invalid YAML";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /**
   * Jackson's YAML parser hands an alias ({@code *name}) back as the plain string {@code name}, which would
   * silently plan the wrong value; Kubernetes resolves aliases. Until the reader resolves them too, it
   * refuses them.
   */
  private static final class RejectingAliases extends JsonParserDelegate {
    private final YAMLParser yaml;

    RejectingAliases(YAMLParser yaml) {
      super(yaml);
      this.yaml = yaml;
    }

    @Override
    public @Nullable JsonToken nextToken() throws IOException {
      JsonToken token = super.nextToken();
      if (yaml.isCurrentAlias()) {
        throw new AliasFound(yaml.getText(), yaml.currentTokenLocation());
      }
      return token;
    }
  }

  /** Thrown out of the parser when it meets an alias; never escapes this class. */
  private static final class AliasFound extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String alias;
    private final transient JsonLocation location;

    AliasFound(String alias, JsonLocation location) {
      super(alias, null, false, false);
      this.alias = alias;
      this.location = location;
    }
  }
}
