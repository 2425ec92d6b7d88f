package dev.converge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Action;
import dev.converge.api.DesiredGraph;
import dev.converge.api.Json;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.core.plan.PlanPrinter;
import dev.converge.core.plan.Planner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The embedding example of the repository's README compiles, runs and plans what it says; and the README
 * shows exactly the code between the markers below, so neither copy can drift.
 */
class ReadmeExampleTest {
  private static final Path README = Path.of("../README.md");
  private static final Path THIS_FILE = Path.of("src/test/java/dev/converge/cli/ReadmeExampleTest.java");

  @Test
  void readmeExample_plansBothResources() {
    // README example: begin
    DesiredGraph desired = DesiredGraph.builder()
        .add(Resource.of(Json.parse("""
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}""")))
        .add(Resource.of(Json.parse("""
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "shop"},
             "data": {"LOG_LEVEL": "info"}}""")))
        .build();
    Plan plan = Planner.defaults().plan(desired, Observed.empty());
    String text = PlanPrinter.text(plan); // step 1: + Namespace/shop; step 2: + ConfigMap/shop/settings
    // README example: end

    assertThat(plan.actions()).extracting(action -> action.verb() + " " + action.key())
        .containsExactlyInAnyOrder("create Namespace/shop", "create ConfigMap/shop/settings");
    assertThat(plan.actions()).allSatisfy(action -> assertThat(action).isInstanceOf(Action.Create.class));
    assertThat(text).startsWith("Step 1\n  + Namespace/shop\n      not found\n\nStep 2\n  + ConfigMap/shop/settings\n");
    assertThat(plan.stepOf(ResourceKey.parse("Namespace/shop"))).isZero();
    assertThat(plan.stepOf(ResourceKey.parse("ConfigMap/shop/settings"))).isEqualTo(1);
  }

  @Test
  void readme_showsExactlyTheTestedCode() throws IOException {
    String source = Files.readString(THIS_FILE);
    String tested = source.substring(
        source.indexOf("// README example: begin\n") + "// README example: begin\n".length(),
        source.indexOf("    // README example: end"));

    // The method body is indented by four spaces; the README's block is not indented.
    String unindented = tested.lines().map(line -> line.replaceFirst("^    ", "")).collect(Collectors.joining("\n", "", "\n"));
    assertThat(readmeJavaBlocks()).containsExactly(unindented);
  }

  @Test
  void readmeExample_isAtMostFifteenLines() throws IOException {
    assertThat(readmeJavaBlocks()).singleElement().satisfies(block -> assertThat(block.lines().count()).isLessThanOrEqualTo(15));
  }

  private static List<String> readmeJavaBlocks() throws IOException {
    Matcher blocks = Pattern.compile("(?s)```java\n(.*?)```").matcher(Files.readString(README));
    return blocks.results().map(match -> match.group(1)).toList();
  }
}
