package dev.converge.cli;

import static dev.converge.cli.CliRun.converge;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.converge.api.Json;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code converge plan}: the plan of a small manifest set as text and JSON (golden files), the same bytes
 * whatever order the files are given in, updates against a cluster that already holds some objects, and
 * never a secret value in the output.
 */
class PlanCommandTest {
  private static final String SHOP = "src/test/resources/fixtures/shop";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ActualState CLUSTER_WITH_OLD_SECRET = desired -> Observed.of(List.of(
      live("{apiVersion: v1, kind: Secret, metadata: {name: api-credentials, namespace: shop}, type: Opaque,"
          + " stringData: {password: old-s3cr3t}}")));

  @Test
  void plan_text_fromAnEmptyCluster() {
    CliRun run = converge("plan", "-f", SHOP);

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    Golden.assertMatches("shop-plan.txt", run.out());
  }

  @Test
  void plan_json_fromAnEmptyCluster() {
    CliRun run = converge("plan", "-f", SHOP, "-o", "json");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    Golden.assertMatches("shop-plan.json", run.out());
    assertThat(Json.parse(run.out()).path("steps").isArray()).isTrue();
  }

  @Test
  void plan_isByteIdentical_whateverTheOrderOfTheFiles() {
    CliRun directory = converge("plan", "-f", SHOP, "-o", "json");
    CliRun reversed = converge("plan",
        "-f", SHOP + "/30-migrate.yaml", "-f", SHOP + "/20-api.yaml", "-f", SHOP + "/10-config.yaml", "-f", SHOP + "/00-namespace.yaml",
        "--output", "JSON");

    assertThat(reversed.exitCode()).isZero();
    assertThat(reversed.out()).isEqualTo(directory.out());
  }

  @Test
  void plan_againstAClusterHoldingSomeObjects_showsOnlyTheDifferences() {
    ActualState cluster = desired -> Observed.of(List.of(
        live("{apiVersion: v1, kind: Namespace, metadata: {name: shop, uid: u1, resourceVersion: '10'}}"),
        live("{apiVersion: v1, kind: ConfigMap, metadata: {name: api-settings, namespace: shop, uid: u2, resourceVersion: '11'},"
            + " data: {LOG_LEVEL: debug}}")));

    CliRun run = converge(cluster, "plan", "-f", SHOP);

    assertThat(run.exitCode()).isZero();
    Golden.assertMatches("shop-update.txt", run.out());
  }

  @Test
  void plan_json_neverPrintsSecretValues() {
    CliRun run = converge(CLUSTER_WITH_OLD_SECRET, "plan", "-f", SHOP, "-o", "json");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Secret/shop/api-credentials").doesNotContain("s3cr3t").doesNotContain("czNjcjN0");
  }

  @Test
  void plan_text_neverPrintsSecretValues() {
    CliRun run = converge(CLUSTER_WITH_OLD_SECRET, "plan", "-f", SHOP);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Secret/shop/api-credentials").doesNotContain("s3cr3t").doesNotContain("czNjcjN0");
  }

  /** A live object, written in YAML. */
  private static Resource live(String yaml) {
    try {
      return Resource.of(YAML.readTree(yaml));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
