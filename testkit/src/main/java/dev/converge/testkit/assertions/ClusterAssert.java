package dev.converge.testkit.assertions;

import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Ownership;
import dev.converge.api.ReadyGate;
import dev.converge.api.ReadyGates;
import dev.converge.api.Readiness;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.InMemoryCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/**
 * Checks on the state of an in-memory cluster. They read the store directly, so they make no request and
 * leave the request log (and any load assertion) untouched.
 *
 * <pre>{@code
 * assertThat(cluster).has("apps/Deployment/shop/web");
 * assertThat(cluster).deployment("apps/Deployment/shop/web").isAvailable();
 * assertThat(cluster).object("ConfigMap/shop/web").hasLabel("app", "web").isOwnedBy(primary);
 * assertThat(cluster).ownsNothing(primary, ownedKinds);
 * }</pre>
 */
public final class ClusterAssert extends AbstractAssert<ClusterAssert, InMemoryCluster> {

  ClusterAssert(InMemoryCluster cluster) {
    super(cluster, ClusterAssert.class);
  }

  /** The object at {@code key} as stored now, without a request. */
  static Optional<Resource> peek(InMemoryCluster cluster, ResourceKey key) {
    Resource[] found = new Resource[1];
    cluster.server().locked(() -> found[0] = cluster.server().cache().get(key.groupKind(), key.namespace(), key.name()));
    return Optional.ofNullable(found[0]);
  }

  /** Every stored object of {@code kind}, in namespace and name order, without a request. */
  static ImmutableList<Resource> peekAll(InMemoryCluster cluster, GroupKind kind) {
    List<Resource> found = new ArrayList<>();
    cluster.server().locked(() -> found.addAll(cluster.server().cache().objects(kind).values()));
    return ImmutableList.copyOf(found);
  }

  /** The cluster holds {@code key} (being deleted or not). */
  public ClusterAssert has(String key) {
    isNotNull();
    if (peek(actual, ResourceKey.parse(key)).isEmpty()) {
      failWithMessage("expected the cluster to hold %s but it does not", key);
    }
    return this;
  }

  /** The cluster does not hold {@code key}. */
  public ClusterAssert doesNotHave(String key) {
    isNotNull();
    Optional<Resource> found = peek(actual, ResourceKey.parse(key));
    if (found.isPresent()) {
      failWithMessage("expected the cluster not to hold %s but it does%s", key,
          found.get().isBeingDeleted() ? " (being deleted)" : "");
    }
    return this;
  }

  /** No object of {@code kinds} carries the ownership marks of {@code primary}. */
  public ClusterAssert ownsNothing(ResourceKey primary, Iterable<GroupKind> kinds) {
    isNotNull();
    List<String> left = new ArrayList<>();
    for (GroupKind kind : kinds) {
      for (Resource object : peekAll(actual, kind)) {
        if (Ownership.isOwnedBy(object, primary)) {
          left.add(object.key().toString());
        }
      }
    }
    if (!left.isEmpty()) {
      failWithMessage("expected nothing owned by %s to remain but found %s", primary, left);
    }
    return this;
  }

  /** Checks on the object at {@code key}, which must exist. */
  public ObjectAssert object(String key) {
    has(key);
    return new ObjectAssert(this, peek(actual, ResourceKey.parse(key)).orElseThrow());
  }

  /** Checks on the Deployment at {@code key}, which must exist. */
  public WorkloadAssert deployment(String key) {
    return workload(key, "Deployment", ReadyGates.deploymentAvailable());
  }

  /** Checks on the DaemonSet at {@code key}, which must exist. */
  public WorkloadAssert daemonSet(String key) {
    return workload(key, "DaemonSet", ReadyGates.daemonSetRolledOut());
  }

  /** Checks on the Job at {@code key}, which must exist: ready means complete. */
  public WorkloadAssert job(String key) {
    return workload(key, "Job", ReadyGates.jobComplete());
  }

  private WorkloadAssert workload(String key, String kind, ReadyGate gate) {
    has(key);
    Resource live = peek(actual, ResourceKey.parse(key)).orElseThrow();
    if (!live.kind().equals(kind)) {
      failWithMessage("expected %s to be a %s but it is a %s", key, kind, live.kind());
    }
    Readiness readiness = gate.check(live, k -> peek(actual, k));
    return new WorkloadAssert(live, readiness, gate.describe());
  }
}
