package dev.converge.inmemory.sim.workload;

import com.google.common.collect.ImmutableList;
import dev.converge.api.DesiredResource;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.core.manifest.ManifestEntry;
import dev.converge.core.manifest.ManifestException;
import dev.converge.core.manifest.ManifestSet;
import dev.converge.core.schema.Quantity;
import dev.converge.inmemory.server.NodeRestriction;
import dev.converge.inmemory.server.Verb;
import dev.converge.inmemory.sim.node.NodeChurn;
import dev.converge.inmemory.sim.node.NodePool;
import dev.converge.inmemory.sim.scheduling.Taint;
import dev.converge.inmemory.sim.workload.RequestSpec.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code sim.converge.dev/v1alpha1} documents of a manifest set — {@code NodePool} (cluster-scoped)
 * and {@code WorkloadProfile} (namespaced) — strictly: an unknown field or an invalid value is a {@link
 * ManifestException} naming the file, the document and the field's path, as for any manifest. Read the set
 * with {@link #types(ResourceTypes)} so that the reader knows their scopes.
 */
public final class SimManifests {
  /** The API group of the simulation's kinds. */
  public static final String GROUP = "sim.converge.dev";
  /** Their one version. */
  public static final String VERSION = "v1alpha1";
  public static final ResourceType NODE_POOL = ResourceType.cluster(GROUP, VERSION, "NodePool", "nodepools");
  public static final ResourceType WORKLOAD_PROFILE =
      ResourceType.namespaced(GROUP, VERSION, "WorkloadProfile", "workloadprofiles");

  private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
  private static final Set<String> POOL_SPEC = Set.of("count", "labels", "taints", "capacity");
  private static final Set<String> TAINT = Set.of("key", "value", "effect");
  private static final Set<String> PROFILE_SPEC = Set.of("selector", "identity", "requests", "proxy", "container");
  private static final Set<String> REQUEST = Set.of("verb", "resource", "scope", "every", "via");
  private static final Set<String> VERBS = Set.of("get", "list", "watch", "create", "update", "patch");
  private static final Set<String> SCOPES = Set.of("cluster", "namespace", "node");
  private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
  private static final int MAX_NODES = 100_000;

  private SimManifests() {}

  /** {@code base} and the two simulation kinds. */
  public static ResourceTypes types(ResourceTypes base) {
    return base.with(NODE_POOL).with(WORKLOAD_PROFILE);
  }

  /** Whether {@code kind} is one of the simulation's. */
  public static boolean isSimKind(GroupKind kind) {
    return kind.group().equals(GROUP);
  }

  /**
   * Splits {@code set} into node pools, workload profiles and the resources to apply.
   *
   * @throws ManifestException for the first invalid simulation document
   */
  public static SimSpec read(ManifestSet set) {
    return read(set.entries(), set.types());
  }

  /**
   * Splits {@code entries} (read with {@code types}, perhaps edited since) into node pools, workload profiles
   * and the resources to apply.
   *
   * @throws ManifestException for the first invalid simulation document
   */
  public static SimSpec read(List<ManifestEntry> entries, ResourceTypes types) {
    ImmutableList.Builder<NodePool> pools = ImmutableList.builder();
    List<ManifestEntry> profileEntries = new ArrayList<>();
    ImmutableList.Builder<DesiredResource> resources = ImmutableList.builder();
    for (ManifestEntry entry : entries) {
      GroupKind kind = entry.key().groupKind();
      if (!isSimKind(kind)) {
        resources.add(entry.desired());
        continue;
      }
      SpecFields doc = new SpecFields(entry.source(), "", entry.desired().resource().json()).object(TOP);
      String apiVersion = doc.field("apiVersion").string();
      if (!apiVersion.equals(GROUP + "/" + VERSION)) {
        throw doc.field("apiVersion").error("version not supported: use " + GROUP + "/" + VERSION);
      }
      if (kind.equals(NODE_POOL.groupKind())) {
        pools.add(pool(entry.desired().resource().name(), doc.field("spec")));
      } else if (kind.equals(WORKLOAD_PROFILE.groupKind())) {
        profileEntries.add(entry);
      } else {
        throw doc.field("kind").error("unknown kind in " + GROUP + ": use NodePool or WorkloadProfile");
      }
    }
    return new SimSpec(pools.build(), profiles(profileEntries, types), resources.build());
  }

  private static NodePool pool(String name, SpecFields spec) {
    spec.object(POOL_SPEC);
    int count = spec.field("count").integer(0, MAX_NODES);
    ImmutableList.Builder<Taint> taints = ImmutableList.builder();
    SpecFields list = spec.field("taints");
    for (int i = 0; i < list.size(); i++) {
      SpecFields taint = list.item(i).object(TAINT);
      String key = taint.field("key").string();
      if (key.isEmpty()) {
        throw taint.field("key").error("must not be empty");
      }
      String value = taint.field("value").optionalString();
      taints.add(Taint.of(key, value == null ? "" : value, taint.field("effect").oneOf(EFFECTS)));
    }
    SpecFields capacity = spec.field("capacity");
    var quantities = capacity.stringMap(false);
    for (Map.Entry<String, String> entry : quantities.entrySet()) {
      if (Quantity.parse(entry.getValue()).isEmpty()) {
        throw capacity.field(entry.getKey()).error("not a quantity: '" + entry.getValue() + "'");
      }
    }
    var labels = spec.field("labels").stringMap(true);
    for (String key : labels.keySet()) {
      if (!NodeRestriction.kubeletMaySet(key)) {
        // The kubelet registers the Node with the pool's labels (--node-labels), and would not start with this one.
        throw spec.field("labels").field(key).error("a kubelet may not set this label on its Node (the kubelet refuses"
            + " such --node-labels, and the NodeRestriction admission plugin would refuse the Node): labels in the"
            + " kubernetes.io and k8s.io namespaces must begin with an allowed prefix ("
            + String.join(", ", NodeRestriction.KUBELET_LABEL_NAMESPACES) + ") or be one of "
            + String.join(", ", NodeRestriction.KUBELET_LABELS));
      }
    }
    try {
      return new NodePool(name, count, labels, taints.build(),
          quantities.isEmpty() ? NodePool.DEFAULT_CAPACITY : quantities, NodeChurn.NONE);
    } catch (IllegalArgumentException e) {
      // Node names are <pool>-<index>: the pool's name must be a DNS label, not any object name.
      throw new SpecFields(spec.source(), "metadata.name", spec.node()).error("must be a DNS label (nodes are named "
          + name + "-0, " + name + "-1, …): " + e.getMessage());
    }
  }

  /** Profiles in two passes: every proxy must be known before a {@code via} can be checked. */
  private static ImmutableList<WorkloadProfileSpec> profiles(List<ManifestEntry> entries, ResourceTypes types) {
    Map<String, ImmutableList<ResourceType>> proxies = new LinkedHashMap<>();
    for (ManifestEntry entry : entries) {
      SpecFields spec = new SpecFields(entry.source(), "spec", entry.desired().resource().json().path("spec"))
          .object(PROFILE_SPEC);
      proxies.put(entry.key().namespace() + "/" + entry.key().name(), proxyWatch(spec.field("proxy"), types));
    }
    ImmutableList.Builder<WorkloadProfileSpec> out = ImmutableList.builder();
    for (ManifestEntry entry : entries) {
      String namespace = entry.key().namespace();
      SpecFields spec = new SpecFields(entry.source(), "spec", entry.desired().resource().json().path("spec"));
      SpecFields selectorField = spec.field("selector");
      if (selectorField.isMissing()) {
        throw selectorField.error("is required: the pods this profile drives");
      }
      LabelSelector selector;
      try {
        selectorField.object(Set.of("matchLabels", "matchExpressions"));
        selectorField.field("matchLabels").stringMap(true);
        selector = LabelSelector.fromJson(selectorField.node());
      } catch (IllegalArgumentException e) {
        if (e instanceof ManifestException located) {
          throw located;
        }
        throw selectorField.error(e.getMessage());
      }
      String identity = spec.field("identity").optionalString();
      if (identity != null && identity.isEmpty()) {
        throw spec.field("identity").error("must not be empty (leave it out for the pods' service accounts)");
      }
      String container = spec.field("container").optionalString();
      if (container != null && container.isEmpty()) {
        throw spec.field("container").error("must not be empty (leave it out for each pod's default container)");
      }
      ImmutableList.Builder<RequestSpec> requests = ImmutableList.builder();
      SpecFields list = spec.field("requests");
      for (int i = 0; i < list.size(); i++) {
        requests.add(request(list.item(i), namespace, types, proxies));
      }
      ImmutableList<ResourceType> proxy = proxies.get(namespace + "/" + entry.key().name());
      ImmutableList<RequestSpec> built = requests.build();
      if (built.isEmpty() && proxy.isEmpty()) {
        throw spec.error("needs requests, a proxy, or both");
      }
      out.add(new WorkloadProfileSpec(namespace, entry.key().name(), selector, identity, built, proxy, container));
    }
    return out.build();
  }

  private static ImmutableList<ResourceType> proxyWatch(SpecFields proxy, ResourceTypes types) {
    if (proxy.isMissing()) {
      return ImmutableList.of();
    }
    proxy.object(Set.of("watch"));
    SpecFields watch = proxy.field("watch");
    if (watch.size() == 0) {
      throw watch.error("must list the resources the proxy watches");
    }
    ImmutableList.Builder<ResourceType> out = ImmutableList.builder();
    for (int i = 0; i < watch.size(); i++) {
      out.add(resource(watch.item(i), types));
    }
    return out.build();
  }

  private static RequestSpec request(SpecFields item, String namespace, ResourceTypes types,
      Map<String, ImmutableList<ResourceType>> proxies) {
    item.object(REQUEST);
    Verb verb = Verb.valueOf(item.field("verb").oneOf(VERBS).toUpperCase(Locale.ROOT));
    ResourceType type = resource(item.field("resource"), types);
    Scope scope = Scope.valueOf(item.field("scope").oneOf(SCOPES).toUpperCase(Locale.ROOT));
    SpecFields everyField = item.field("every");
    Duration every = null;
    if (verb == Verb.WATCH) {
      if (!everyField.isMissing()) {
        throw everyField.error("a watch is opened once and stays open: leave 'every' out");
      }
    } else {
      every = duration(everyField);
    }
    checkScope(item, verb, type, scope);
    String via = item.field("via").optionalString();
    if (via != null) {
      SpecFields viaField = item.field("via");
      if (verb.isMutating()) {
        throw viaField.error("a proxy answers reads only; " + verb + " goes to the API server");
      }
      ImmutableList<ResourceType> watched = proxies.get(namespace + "/" + via);
      if (watched == null) {
        throw viaField.error("no WorkloadProfile '" + via + "' in namespace " + namespace);
      }
      if (watched.isEmpty()) {
        throw viaField.error("WorkloadProfile " + namespace + "/" + via + " is not a proxy (it has no spec.proxy)");
      }
      if (!watched.contains(type)) {
        throw viaField.error("proxy " + namespace + "/" + via + " does not watch " + type.plural());
      }
    }
    return new RequestSpec(verb, type, scope, every, via);
  }

  /**
   * What each verb can address. {@code scope: node} narrows pods by {@code spec.nodeName} and nodes to the
   * pod's own; a get names one object (the pod's node, the pod itself, its namespace); writes touch the pod's
   * own objects.
   */
  private static void checkScope(SpecFields item, Verb verb, ResourceType type, Scope scope) {
    SpecFields field = item.field("scope");
    String resource = type.groupKind().group().isEmpty() ? type.plural() : "";
    if (scope == Scope.NODE && !resource.equals("pods") && !resource.equals("nodes")) {
      throw field.error("scope node applies to pods and nodes only, not " + type.plural());
    }
    if (scope == Scope.NAMESPACE && !type.namespaced()) {
      throw field.error(type.plural() + " are cluster-scoped: use scope cluster or node");
    }
    switch (verb) {
      case GET:
        if (!(resource.equals("nodes") && scope == Scope.NODE) && !(resource.equals("pods") && scope == Scope.NAMESPACE)
            && !(resource.equals("namespaces") && scope == Scope.CLUSTER)) {
          throw item.field("verb").error("get reads one object: nodes with scope node (the pod's node), pods with "
              + "scope namespace (the pod itself) or namespaces with scope cluster (the pod's namespace)");
        }
        break;
      case CREATE:
        if (!(resource.equals("events") || resource.equals("configmaps")) || scope != Scope.NAMESPACE) {
          throw item.field("verb").error("create makes events or configmaps in the pod's namespace (scope namespace)");
        }
        break;
      case UPDATE:
      case PATCH:
        if (!(resource.equals("nodes") && scope == Scope.NODE) && !(resource.equals("pods") && scope == Scope.NAMESPACE)) {
          throw item.field("verb").error(verb + " writes the pod's own objects: nodes with scope node or pods with "
              + "scope namespace");
        }
        break;
      default:
        break;
    }
  }

  /** A resource by plural ({@code pods}), or {@code plural.group} where the plural is ambiguous. */
  private static ResourceType resource(SpecFields field, ResourceTypes types) {
    String text = field.string();
    List<ResourceType> matches = new ArrayList<>();
    for (ResourceType type : types.all()) {
      String qualified = type.group().isEmpty() ? type.plural() : type.plural() + "." + type.group();
      if (type.plural().equals(text) || qualified.equals(text)) {
        matches.add(type);
      }
    }
    if (matches.isEmpty()) {
      throw field.error("unknown resource '" + text + "' (use the plural, as kubectl does: pods, nodes, …)");
    }
    if (matches.size() > 1) {
      throw field.error("'" + text + "' is ambiguous: write it as plural.group ("
          + String.join(", ", matches.stream().map(t -> t.plural() + "." + t.group()).toList()) + ")");
    }
    return matches.get(0);
  }

  /** A positive duration in Go's syntax: {@code 15s}, {@code 5m}, {@code 1h30m}, {@code 500ms}. */
  static Duration duration(SpecFields field) {
    String text = field.string();
    @Nullable Duration parsed = parseDuration(text);
    if (parsed == null) {
      throw field.error("not a duration: '" + text + "' (write 15s, 5m, 1h30m, 500ms)");
    }
    if (parsed.isZero()) {
      throw field.error("must be positive");
    }
    return parsed;
  }

  /** {@code 15s}, {@code 1h30m}, {@code 1.5s}, {@code 500ms}, or null if {@code text} is not one. */
  public static @Nullable Duration parseDuration(String text) {
    Matcher matcher = DURATION.matcher(text);
    long nanos = 0;
    int at = 0;
    while (matcher.find() && matcher.start() == at) {
      double amount = Double.parseDouble(matcher.group(1));
      long unit = switch (matcher.group(2)) {
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos += Math.round(amount * unit);
      at = matcher.end();
    }
    return at == text.length() && at > 0 ? Duration.ofNanos(nanos) : null;
  }
}
