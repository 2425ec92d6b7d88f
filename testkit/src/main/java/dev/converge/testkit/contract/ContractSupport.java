package dev.converge.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchRequest;
import dev.converge.testkit.KubeObjects;
import dev.converge.testkit.WatchRecorder;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every contract interface shares: the fixture, the namespace each test starts with, skipping by
 * {@link Capability}, and small helpers. Not a test by itself.
 */
public interface ContractSupport {
  /** The manager the suite's own setup writes with. */
  String SETUP = "contract-setup";
  /** The finalizer the suite puts on objects it wants to hold in deletion. */
  String HOLD = "contract.converge.dev/hold";
  GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");
  GroupKind NAMESPACE = GroupKind.of("", "Namespace");

  /** The fixture of the backend under test; the same instance for the whole test method. */
  BackendFixture fixture();

  /** Creates the test's namespace, as every namespaced object of the suite lives there. */
  @BeforeEach
  default void createContractNamespace() {
    backend().apply(KubeObjects.namespace(ns()), ApplyOptions.manager(SETUP));
  }

  default Backend backend() {
    return fixture().backend();
  }

  /** The test's namespace. */
  default String ns() {
    return fixture().namespace();
  }

  /** Skips the calling test, with the fixture's reason, if the backend lacks {@code capability}. */
  default void requires(Capability capability) {
    String reason = fixture().limitations().get(capability);
    assumeTrue(reason == null, () -> "backend lacks " + capability + ": " + reason);
  }

  /** See {@link BackendFixture#awaitTrue}. */
  default void eventually(String what, BooleanSupplier condition) {
    fixture().awaitTrue(what, condition);
  }

  /**
   * Serves the test's own custom kind {@code Gadget} (group {@code <namespace>.converge.dev}, version {@code
   * v1}, namespaced, with a status subresource) and returns its apiVersion once the kind is served. No
   * controller touches gadgets, so status and generation tests see only their own writes, even on a real
   * cluster.
   */
  default String serveGadgets() {
    String group = ns() + ".converge.dev";
    put(KubeObjects.customResourceDefinition(group, "v1", "Gadget", "gadgets", true));
    GroupKind kind = GroupKind.of(group, "Gadget");
    eventually("kind " + kind + " served", () -> backend().types().find(kind).isPresent());
    return group + "/v1";
  }

  /** A gadget of the test's namespace with {@code spec.size}. */
  default Resource gadget(String apiVersion, String name, int size) {
    return KubeObjects.customResource(apiVersion, "Gadget", ns(), name,
        dev.converge.api.Json.object().put("size", size));
  }

  /** Writes {@code object} as the suite's setup manager (forced), returning it as stored. */
  default Resource put(Resource object) {
    return backend().apply(object, ApplyOptions.manager(SETUP).forced());
  }

  /** The live object, which must exist. */
  default Resource live(ResourceKey key) {
    return backend().get(key).orElseThrow(() -> new AssertionError(key + " does not exist"));
  }

  default boolean exists(ResourceKey key) {
    return backend().get(key).isPresent();
  }

  default ResourceKey configMapKey(String name) {
    return ResourceKey.namespaced("", "ConfigMap", ns(), name);
  }

  default Resource configMap(String name, String key, String value) {
    return KubeObjects.configMap(ns(), name, key, value);
  }

  /** A watch on ConfigMaps of the test's namespace from {@code version} (null: from now, with the current ones). */
  default WatchRequest configMapWatch(@org.jspecify.annotations.Nullable String version) {
    return WatchRequest.all(CONFIG_MAP).inNamespace(ns()).from(version);
  }

  /**
   * Waits until {@code recorder} holds at least {@code count} changes of the test's own objects: the ConfigMap
   * {@value #ROOT_CA} that the root CA publisher keeps in every namespace of a cluster is not counted, so that a wait
   * for the test's events does not end on it.
   */
  default void awaitChanges(WatchRecorder recorder, int count) {
    eventually(count + " watch events", () -> ownChanges(recorder).size() >= count);
  }

  /** The name of the ConfigMap every namespace of a cluster holds ({@code kube-root-ca.crt}). */
  String ROOT_CA = "kube-root-ca.crt";

  /** {@code recorder}'s changes but those of {@value #ROOT_CA}. */
  default List<WatchEvent> ownChanges(WatchRecorder recorder) {
    return recorder.changes().stream().filter(e -> !e.object().name().equals(ROOT_CA)).toList();
  }

  /** The version as a number, for order checks (every Kubernetes server uses etcd's revision). */
  static long version(Resource object) {
    String version = object.resourceVersion();
    assertThat(version).as("resourceVersion of %s", object.key()).isNotNull();
    return Long.parseLong(version);
  }

  /** Removes every finalizer of the live object at {@code key} by update, so it can go. */
  default Resource dropFinalizers(ResourceKey key) {
    Resource current = live(key);
    return backend().update(current.edit(tree -> tree.withObjectProperty("metadata").remove("finalizers")));
  }

  /** Adds {@code finalizer} to {@code object} (not yet written). */
  static Resource withFinalizer(Resource object, String finalizer) {
    return object.edit(tree -> tree.withObjectProperty("metadata").withArrayProperty("finalizers").add(finalizer));
  }

  /** Asserts {@code call} fails with {@code type}, returning the failure. */
  static <E extends BackendException> E failure(Class<E> type, Runnable call) {
    try {
      call.run();
    } catch (BackendException e) {
      assertThat(e).as("failure").isInstanceOf(type);
      return type.cast(e);
    }
    throw new AssertionError("expected " + type.getSimpleName() + " but the call succeeded");
  }
}
