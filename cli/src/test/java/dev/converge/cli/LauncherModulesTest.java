package dev.converge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The launcher ({@code ./converge}) rebuilds the CLI jar when a source of a module it is made from changes.
 * Its list of modules must be exactly cli's in-repository dependency closure, read from the pom.xml files:
 * a module missing from the list would leave a stale jar running; an extra one would rebuild for nothing.
 */
class LauncherModulesTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern MODULES = Pattern.compile("(?m)^modules=\\(([^)]*)\\)");

  @Test
  void launcherModules_areTheCliDependencyClosure() throws Exception {
    Matcher matcher = MODULES.matcher(Files.readString(ROOT.resolve("converge")));
    assertThat(matcher.find()).as("a modules=(...) line in ./converge").isTrue();
    Set<String> listed = new TreeSet<>(List.of(matcher.group(1).trim().split("\\s+")));

    assertThat(listed).isEqualTo(closure("cli"));
  }

  /** The module directories {@code start} is built from: itself and its dev.converge dependencies, transitively. */
  private static Set<String> closure(String start) throws Exception {
    Document parent = parse(ROOT.resolve("pom.xml"));
    Map<String, String> directoryByArtifact = new HashMap<>();
    NodeList modules = parent.getElementsByTagName("module");
    for (int i = 0; i < modules.getLength(); i++) {
      String directory = modules.item(i).getTextContent().trim();
      directoryByArtifact.put(artifactId(parse(ROOT.resolve(directory).resolve("pom.xml"))), directory);
    }
    Set<String> result = new TreeSet<>();
    Deque<String> pending = new ArrayDeque<>(List.of(start));
    while (!pending.isEmpty()) {
      String directory = pending.pop();
      if (!result.add(directory)) {
        continue;
      }
      NodeList dependencies = parse(ROOT.resolve(directory).resolve("pom.xml")).getElementsByTagName("dependency");
      for (int i = 0; i < dependencies.getLength(); i++) {
        Element dependency = (Element) dependencies.item(i);
        if (text(dependency, "groupId").equals("dev.converge") && !text(dependency, "scope").equals("test")) {
          pending.push(directoryByArtifact.get(text(dependency, "artifactId")));
        }
      }
    }
    return result;
  }

  private static Document parse(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  /** The project's own artifactId: the one directly under project, not the parent's. */
  private static String artifactId(Document pom) {
    NodeList children = pom.getDocumentElement().getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element element && element.getTagName().equals("artifactId")) {
        return element.getTextContent().trim();
      }
    }
    throw new IllegalStateException("no artifactId");
  }

  private static String text(Element element, String tag) {
    NodeList nodes = element.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
  }
}
