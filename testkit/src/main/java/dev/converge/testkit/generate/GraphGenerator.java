package dev.converge.testkit.generate;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.testkit.KubeObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random desired graphs, valid by construction: their namespaces, ServiceAccounts and ConfigMaps,
 * Deployments that reference some of them (implicit edges), Services and ClusterRoles, and explicit {@code
 * dependsOn} edges only from later entries to earlier ones, so the graph never has a cycle. With the same
 * seed, the same graph; {@link #drift} derives an actual state that differs in a seeded way.
 *
 * <pre>{@code
 * DesiredGraph graph = new GraphGenerator(seed).graph(40);
 * Plan plan = Planner.defaults().plan(graph, Observed.empty());
 * assertThat(plan).hasSize(graph.size());
 * }</pre>
 */
public final class GraphGenerator {
  private final long seed;
  private final SplittableRandom random;
  private final ResourceGenerator resources;

  public GraphGenerator(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.resources = new ResourceGenerator(random.nextLong());
  }

  /**
   * A graph of about {@code size} resources (the namespaces come on top), with explicit dependencies on
   * roughly one in five entries.
   */
  public DesiredGraph graph(int size) {
    checkArgument(size >= 0, "size must not be negative");
    List<DesiredResource> entries = new ArrayList<>();
    for (String namespace : resources.namespaces()) {
      entries.add(DesiredResource.of(KubeObjects.namespace(namespace)));
    }
    List<Resource> accounts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Resource next;
      int draw = random.nextInt(10);
      if (draw < 2) {
        next = resources.serviceAccount(resources.namespace());
        accounts.add(next);
      } else if (draw < 4) {
        next = resources.configMap(resources.namespace());
      } else if (draw < 7) {
        Resource account = accounts.isEmpty() || random.nextBoolean() ? null : accounts.get(random.nextInt(accounts.size()));
        next = account == null
            ? resources.deployment(resources.namespace(), "")
            : resources.deployment(account.namespace(), account.name());
      } else if (draw < 9) {
        next = resources.service(resources.namespace());
      } else {
        next = resources.clusterRole();
      }
      DesiredResource entry = DesiredResource.of(next);
      int earlier = entries.size();
      if (earlier > resources.namespaces().size() && random.nextInt(5) == 0) {
        // Only to an earlier entry that is not a namespace: never a cycle, and not an edge the rules add anyway.
        ResourceKey prerequisite = entries.get(resources.namespaces().size()
            + random.nextInt(earlier - resources.namespaces().size())).key();
        entry = entry.dependsOn(prerequisite);
      }
      entries.add(entry);
    }
    return DesiredGraph.builder().addAll(entries).build();
  }

  /**
   * An actual state for {@code graph} as a server would hold it after applying it, then drifted: each object
   * is, with equal odds, kept, missing, or changed (a ConfigMap's data, a Deployment's replicas or a
   * Service's port). Server fields ({@code uid}, {@code resourceVersion}) are filled in.
   */
  public Observed drift(DesiredGraph graph) {
    List<Resource> actual = new ArrayList<>();
    long version = 1;
    for (DesiredResource entry : graph.resources().values()) {
      int draw = random.nextInt(3);
      if (draw == 1) {
        continue;
      }
      Resource object = entry.resource();
      if (draw == 2) {
        object = changed(object);
      }
      long v = version++;
      actual.add(object.edit(tree -> tree.withObjectProperty("metadata")
          .put("uid", "uid-" + seed + "-" + v).put("resourceVersion", Long.toString(v))));
    }
    return Observed.of(actual);
  }

  private Resource changed(Resource object) {
    switch (object.kind()) {
      case "ConfigMap":
        return object.edit(tree -> tree.withObjectProperty("data").put("key0", "drifted"));
      case "Deployment":
        return object.edit(tree -> tree.withObjectProperty("spec").put("replicas", 9));
      case "Service":
        return object.edit(tree -> tree.withObjectProperty("spec").withArrayProperty("ports").removeAll()
            .addObject().put("name", "http").put("port", 9999).put("protocol", "TCP").put("targetPort", 9999));
      default:
        return object.withLabel("drifted", "yes");
    }
  }

  /** The resources the generated graphs draw from, for extra objects in the same namespaces. */
  public ResourceGenerator resources() {
    return resources;
  }

  /** The keys of {@code graph}, in order. */
  public static ImmutableList<ResourceKey> keys(DesiredGraph graph) {
    return graph.resources().keySet().asList();
  }
}
