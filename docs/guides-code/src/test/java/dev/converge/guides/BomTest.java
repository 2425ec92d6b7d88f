package dev.converge.guides;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * {@code converge-bom} lists every deployable Converge artifact, at the parent's version, and nothing else:
 * every module of the parent is either in the BOM or named here as not deployable, so a new module is a
 * decision, not an oversight. The BOM has no parent, so importing it pins no third-party version.
 */
class BomTest {
  private static final Path ROOT = Path.of("../..");
  /** Modules that are built but not published for embeddings: examples, tools, benchmarks, docs, the BOM. */
  private static final Set<String> NOT_DEPLOYABLE =
      Set.of("bom", "examples/datadog-operator", "docs/guides-code", "cli", "benchmarks");

  @Test
  void theBom_managesExactlyTheDeployableModules_atTheParentsVersion() throws Exception {
    Document parent = parse(ROOT.resolve("pom.xml"));
    Document bom = parse(ROOT.resolve("bom/pom.xml"));

    Set<String> deployable = new TreeSet<>();
    for (Element module : elements(parent.getDocumentElement(), "modules", "module")) {
      String directory = module.getTextContent().trim();
      if (!NOT_DEPLOYABLE.contains(directory)) {
        deployable.add(child(parse(ROOT.resolve(directory).resolve("pom.xml")).getDocumentElement(), "artifactId"));
      }
    }
    Set<String> managed = new TreeSet<>();
    for (Element dependency : elements(bom.getDocumentElement(), "dependencyManagement", "dependencies", "dependency")) {
      assertThat(child(dependency, "groupId")).isEqualTo("dev.converge");
      assertThat(child(dependency, "version")).isEqualTo("${project.version}");
      managed.add(child(dependency, "artifactId"));
    }

    assertThat(managed).as("the BOM's artifacts; a module that is not deployable belongs in NOT_DEPLOYABLE")
        .isEqualTo(deployable)
        .containsExactly("backend-inmemory", "backend-k8s", "engine-api", "engine-core", "testkit");
    assertThat(child(bom.getDocumentElement(), "artifactId")).isEqualTo("converge-bom");
    assertThat(child(bom.getDocumentElement(), "version")).isEqualTo(child(parent.getDocumentElement(), "version"));
    assertThat(elements(bom.getDocumentElement(), "parent")).as("the BOM's parent").isEmpty();
  }

  private static Document parse(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  /** The elements at {@code path} below {@code root}, one level per name. */
  private static List<Element> elements(Element root, String... path) {
    List<Element> level = List.of(root);
    for (String name : path) {
      List<Element> next = new ArrayList<>();
      for (Element element : level) {
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
          if (children.item(i).getNodeType() == Node.ELEMENT_NODE && children.item(i).getNodeName().equals(name)) {
            next.add((Element) children.item(i));
          }
        }
      }
      level = next;
    }
    return level;
  }

  private static String child(Element element, String name) {
    List<Element> found = elements(element, name);
    assertThat(found).as("<%s> in <%s>", name, element.getNodeName()).hasSize(1);
    return found.get(0).getTextContent().trim();
  }
}
