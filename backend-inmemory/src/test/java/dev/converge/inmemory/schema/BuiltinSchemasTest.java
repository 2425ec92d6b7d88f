package dev.converge.inmemory.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import com.google.common.collect.ImmutableList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bundled schema catalog ({@code builtin-schemas.json}): every built-in kind has a schema, every reference
 * resolves, and the fields {@code kubectl explain} users look at first are there with Kubernetes' descriptions.
 * With {@code -Dconverge.schemas.update=true} the catalog is regenerated first ({@link BuiltinSchemasGenerator}).
 */
class BuiltinSchemasTest {
  private static final Path FILE = Path.of("src/main/resources/dev/converge/inmemory/schema/builtin-schemas.json");

  @Test
  void catalog_coversEveryBuiltinKindAndEveryReferenceResolves() throws Exception {
    if (Boolean.getBoolean("converge.schemas.update")) {
      Path jar = Path.of(System.getProperty("user.home"), ".m2/repository/io/kubernetes/client-java-api/25.0.0/"
          + "client-java-api-25.0.0-sources.jar");
      ObjectNode document = BuiltinSchemasGenerator.generate(jar);
      StringBuilder text = new StringBuilder("{\"kinds\":").append(Json.write(document.get("kinds")))
          .append(",\n\"schemas\":{");
      boolean first = true;
      for (Map.Entry<String, JsonNode> schema : document.get("schemas").properties()) {
        text.append(first ? "\n" : ",\n").append(Json.write(Json.nodes().textNode(schema.getKey()))).append(':')
            .append(Json.write(schema.getValue()));
        first = false;
      }
      Files.writeString(FILE, text.append("}}\n").toString());
    }
    SchemaCatalog catalog = SchemaCatalog.of(Json.parse(Files.readString(FILE)));
    for (ResourceType type : ResourceTypes.builtins().all()) {
      assertThat(catalog.kindSchema(type.groupKind())).as(type.groupKind().toString()).isPresent();
    }
    JsonNode document = Json.parse(Files.readString(FILE));
    for (JsonNode schema : document.get("schemas")) {
      assertRefsResolve(schema, document.get("schemas"));
    }
  }

  @Test
  void deploymentSpec_hasKubernetesFieldsTypesAndDescriptions() {
    SchemaCatalog catalog = SchemaCatalog.bundled(); // the copy on the classpath, as the server reads it
    assertThat(catalog.kindSchema(dev.converge.api.GroupKind.of("apps", "Deployment")))
        .contains("io.k8s.api.apps.v1.Deployment");
    ObjectNode spec = catalog.schema("io.k8s.api.apps.v1.DeploymentSpec").orElseThrow();
    assertThat(spec.get("description").asText())
        .isEqualTo("DeploymentSpec is the specification of the desired behavior of the Deployment.");
    assertThat(spec.at("/properties/replicas/type").asText()).isEqualTo("integer");
    assertThat(spec.at("/properties/replicas/description").asText()).startsWith("Number of desired pods.");
    assertThat(spec.at("/properties/template/allOf/0/$ref").asText())
        .isEqualTo("#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec");
    assertThat(spec.get("required")).extracting(JsonNode::asText).containsExactly("selector", "template");
    ObjectNode deployment = catalog.schema("io.k8s.api.apps.v1.Deployment").orElseThrow();
    assertThat(deployment.at("/properties/metadata/allOf/0/$ref").asText())
        .isEqualTo("#/components/schemas/" + SchemaCatalog.OBJECT_META);
    assertThat(ImmutableList.copyOf(deployment.get("properties").fieldNames()))
        .containsExactly("apiVersion", "kind", "metadata", "spec", "status");
  }

  private static void assertRefsResolve(JsonNode node, JsonNode schemas) {
    if (node.isObject() && node.has("$ref")) {
      String name = node.get("$ref").asText().substring(SchemaCatalog.REF_PREFIX.length());
      assertThat(schemas.has(name)).as("reference " + name).isTrue();
    }
    node.forEach(child -> assertRefsResolve(child, schemas));
  }
}
