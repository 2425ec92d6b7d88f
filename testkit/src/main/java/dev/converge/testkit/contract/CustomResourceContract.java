package dev.converge.testkit.contract;

import static dev.converge.testkit.contract.ContractSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import org.junit.jupiter.api.Test;

/**
 * CustomResourceDefinitions: a CRD becomes Established and its kind is served with the declared scope, plural
 * and status subresource; custom resources are stored, listed and owned like built-in objects; deleting the
 * CRD removes its objects and stops serving the kind ({@code NotFound} afterwards).
 */
public interface CustomResourceContract extends ContractSupport {

  private GroupKind gadgetKind() {
    return GroupKind.of(ns() + ".converge.dev", "Gadget");
  }

  @Test
  default void crd_becomesEstablished_andServesItsKind() {
    requires(Capability.CUSTOM_RESOURCES);
    serveGadgets();
    Resource crd = live(ResourceKey.cluster("apiextensions.k8s.io", "CustomResourceDefinition", "gadgets." + ns() + ".converge.dev"));
    assertThat(ReadyGates.crdEstablished().check(crd, backend()::get).isReady()).as("Established").isTrue();
    ResourceType type = backend().types().find(gadgetKind()).orElseThrow();
    assertThat(type.plural()).isEqualTo("gadgets");
    assertThat(type.namespaced()).isTrue();
    assertThat(type.statusSubresource()).isTrue();
    assertThat(type.version()).isEqualTo("v1");
  }

  @Test
  default void customResources_areStoredAndListed_likeBuiltInObjects() {
    requires(Capability.CUSTOM_RESOURCES);
    String apiVersion = serveGadgets();
    Resource one = put(gadget(apiVersion, "one", 1));
    Resource two = put(gadget(apiVersion, "two", 2));
    assertThat(one.uid()).isNotEmpty();
    assertThat(one.generation()).isEqualTo(1);
    assertThat(live(one.key()).spec().path("size").asInt()).isEqualTo(1);
    assertThat(backend().list(ListRequest.all(gadgetKind()).inNamespace(ns())).items()).containsExactly(one, two);
  }

  @Test
  default void deletingTheCrd_removesItsObjects_andStopsServingTheKind() {
    requires(Capability.CUSTOM_RESOURCES);
    String apiVersion = serveGadgets();
    Resource one = put(gadget(apiVersion, "one", 1));
    ResourceKey crd = ResourceKey.cluster("apiextensions.k8s.io", "CustomResourceDefinition", "gadgets." + ns() + ".converge.dev");
    backend().delete(crd, DeleteOptions.background());
    eventually("the CRD gone", () -> !exists(crd));
    eventually("kind " + gadgetKind() + " no longer served", () -> backend().types().find(gadgetKind()).isEmpty());
    failure(BackendException.NotFound.class, () -> backend().get(one.key()));
  }
}
