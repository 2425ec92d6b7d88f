package dev.converge.guides;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The guides in {@code docs/guides} show only code this module compiles and tests. A code block is quoted
 * by the comment on the line before it, {@code <!-- snippet: PATH#REGION -->} (a region between the lines
 * {@code // guide: begin REGION} and {@code // guide: end REGION} of the file at PATH, relative to this module,
 * indentation removed) or {@code <!-- snippet: PATH -->} (the whole file). Every quoted block must equal its
 * source exactly, every Java block must be quoted, and every region must be quoted by some guide.
 */
class GuideSnippetsTest {
  private static final Path MODULE = Path.of("");
  private static final Path GUIDES = Path.of("../guides");
  private static final Pattern BLOCK =
      Pattern.compile("(?m)^(?:<!-- snippet: (\\S+?) -->\\n)?```(\\w*)\\n(.*?)^```$", Pattern.DOTALL);
  private static final Pattern MARKER = Pattern.compile("^\\s*(?://|<!--|#)\\s*guide: (begin|end) (\\S+)\\s*(?:-->)?\\s*$");

  /** One code block of a guide. */
  record Block(Path guide, String language, String source, String text) {}

  @Test
  void everyQuotedBlock_isExactlyItsSource() {
    List<Block> blocks = blocks();
    assertThat(blocks).as("code blocks in %s", GUIDES.toAbsolutePath().normalize()).isNotEmpty();
    for (Block block : blocks) {
      if (!block.source().isEmpty()) {
        assertThat(block.text()).as("the block quoting %s in %s", block.source(), block.guide().getFileName())
            .isEqualTo(snippet(block.source()));
      }
    }
  }

  @Test
  void everyJavaBlock_quotesCompiledCode() {
    assertThat(blocks()).filteredOn(block -> block.language().equals("java"))
        .allSatisfy(block -> assertThat(block.source()).as("the snippet comment of a Java block in %s:%n%s",
            block.guide().getFileName(), block.text()).isNotEmpty());
  }

  @Test
  void everyRegionOfTheSources_isQuotedBySomeGuide() throws IOException {
    Set<String> quoted = blocks().stream().map(Block::source).collect(Collectors.toCollection(TreeSet::new));
    Set<String> regions = new TreeSet<>();
    try (Stream<Path> files = Files.walk(MODULE.resolve("src"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        for (String line : Files.readAllLines(file)) {
          Matcher marker = MARKER.matcher(line);
          if (marker.matches() && marker.group(1).equals("begin")) {
            regions.add(MODULE.relativize(file).toString().replace('\\', '/') + "#" + marker.group(2));
          }
        }
      }
    }
    assertThat(quoted).containsAll(regions);
  }

  private static List<Block> blocks() {
    List<Block> blocks = new ArrayList<>();
    try (Stream<Path> guides = Files.list(GUIDES)) {
      for (Path guide : guides.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        Matcher block = BLOCK.matcher(Files.readString(guide));
        while (block.find()) {
          blocks.add(new Block(guide, block.group(2), block.group(1) == null ? "" : block.group(1), block.group(3)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return blocks;
  }

  /** The text a snippet comment names: a whole file, or one region of it with its indentation removed. */
  static String snippet(String source) {
    int hash = source.indexOf('#');
    Path file = MODULE.resolve(hash < 0 ? source : source.substring(0, hash));
    try {
      if (hash < 0) {
        return Files.readString(file);
      }
      return region(Files.readAllLines(file), source.substring(hash + 1), source);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file.toAbsolutePath().normalize(), e);
    }
  }

  private static String region(List<String> lines, String name, String source) {
    Map<Integer, String> inside = new TreeMap<>();
    boolean open = false;
    boolean closed = false;
    for (int i = 0; i < lines.size(); i++) {
      Matcher marker = MARKER.matcher(lines.get(i));
      if (marker.matches()) {
        if (marker.group(2).equals(name)) {
          assertThat(closed).as("%s: region opened twice", source).isFalse();
          open = marker.group(1).equals("begin");
          closed = !open;
        }
        continue; // markers of other regions nested in this one are not part of it
      }
      if (open) {
        inside.put(i, lines.get(i));
      }
    }
    assertThat(closed).as("%s: a region that begins and ends", source).isTrue();
    int indent = inside.values().stream().filter(line -> !line.isBlank())
        .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
    return inside.values().stream().map(line -> line.isBlank() ? "" : line.substring(indent))
        .collect(Collectors.joining("\n", "", "\n"));
  }
}
