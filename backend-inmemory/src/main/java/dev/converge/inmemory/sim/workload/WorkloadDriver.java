package dev.converge.inmemory.sim.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.Kinds;
import dev.converge.inmemory.sim.load.LoadModel;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Drives the workload models: every pod a {@link WorkloadProfileSpec} selects (same namespace, labels
 * matching) becomes a client of the API server as soon as the profile's container runs in it — a client of its
 * own, as each pod has its own connection and client-side limit even when pods share a service account — and
 * stops when that container stops (a crash: the process is gone while it waits out its back-off, and its restart
 * is a new client, which opens its watches again), the pod changes labels or is deleted. Proxy pods open their watches and answer other pods' {@code via} requests; those are counted apart ({@code
 * LoadAccounting.recordProxied}), and count as unavailable while the proxy has no running pod.
 *
 * <p>It learns about pods from the store's change feed (as the simulation's own bookkeeping, not as an API
 * client: it adds no request to the log). Random phases come from the simulation's seed and each pod's key,
 * so a pod behaves the same whatever else runs. Each pod's client is a {@code SimClient} of component {@value
 * #COMPONENT}: client-go's default limit (5 qps, burst 10), unless the simulation's throttles say otherwise.
 */
public final class WorkloadDriver implements ChangeListener {
  /** The annotation workload writes (update, patch) set on the pod's own objects. */
  public static final String TICK_ANNOTATION = "sim.converge.dev/tick";
  /** The component name of workload clients (what the simulation's throttle factory sees). */
  public static final String COMPONENT = "workload";
  private static final GroupKind POD = GroupKind.of("", "Pod");

  private final SimContext context;
  private final ApiServer server;
  private final VirtualScheduler scheduler;
  private final LoadModel load;
  private final Map<String, List<WorkloadProfileSpec>> byNamespace = new HashMap<>();
  private final Map<String, PodClient> clients = new HashMap<>();
  private final Map<String, TreeSet<String>> proxyPods = new HashMap<>();
  private final Map<String, int[]> perProfile = new TreeMap<>();
  /** The pods driven now under each identity, which the load's rows count as their clients. */
  private final Map<String, Integer> perIdentity = new HashMap<>();

  private WorkloadDriver(SimContext context, LoadModel load, List<WorkloadProfileSpec> profiles) {
    this.context = context;
    this.server = context.server();
    this.scheduler = context.clock();
    this.load = load;
    for (WorkloadProfileSpec profile : profiles) {
      byNamespace.computeIfAbsent(profile.namespace(), n -> new ArrayList<>()).add(profile);
      perProfile.put(profile.key(), new int[1]);
    }
  }

  /**
   * Starts driving {@code profiles} in the simulation of {@code context}, counting proxied reads in {@code
   * load}: pods running now start at once, the rest when they run.
   */
  public static WorkloadDriver install(SimContext context, LoadModel load, List<WorkloadProfileSpec> profiles) {
    WorkloadDriver driver = new WorkloadDriver(context, load, profiles);
    ApiServer server = context.server();
    server.locked(() -> {
      for (Resource pod : server.cache().objects(POD).values()) {
        driver.update(pod, true);
      }
    });
    server.addChangeListener(driver);
    return driver;
  }

  @Override
  public void onChange(Change change) {
    Resource object = change.object();
    // Kind and group compared without building a GroupKind: every committed change passes here.
    if (!Kinds.is(object, POD) || !byNamespace.containsKey(object.namespace())) {
      return;
    }
    update(object, change.type() != Change.Type.DELETED);
  }

  /** Pods driven now, per profile ({@code namespace/name}). */
  public ImmutableSortedMap<String, Integer> running() {
    ImmutableSortedMap.Builder<String, Integer> out = ImmutableSortedMap.naturalOrder();
    perProfile.forEach((profile, count) -> out.put(profile, count[0]));
    return out.build();
  }

  private void update(Resource pod, boolean exists) {
    List<WorkloadProfileSpec> profiles = byNamespace.get(pod.namespace());
    if (profiles == null) {
      return;
    }
    for (WorkloadProfileSpec profile : profiles) {
      String key = pod.namespace() + "/" + pod.name() + "\0" + profile.name();
      boolean wanted = exists && profile.selector().matches(pod) && isRunning(pod, profile.container());
      PodClient client = clients.get(key);
      if (wanted && client == null) {
        start(key, profile, pod);
      } else if (!wanted && client != null) {
        clients.remove(key);
        client.stop();
        perProfile.get(profile.key())[0]--;
        perIdentity.merge(client.identity(), -1, Integer::sum);
        if (profile.isProxy()) {
          proxyPods.get(profile.key()).remove(pod.name());
        }
      }
    }
  }

  private void start(String key, WorkloadProfileSpec profile, Resource pod) {
    String node = pod.json().path("spec").path("nodeName").asText("");
    PodClient client = new PodClient(this, profile, context.client(COMPONENT, identityOf(profile, pod)), pod.namespace(),
        pod.name(), node, context.random(COMPONENT + "/" + key.replace('\0', '/')));
    clients.put(key, client);
    perProfile.get(profile.key())[0]++;
    load.accounting().podClients(client.identity(), perIdentity.merge(client.identity(), 1, Integer::sum));
    if (profile.isProxy()) {
      proxyPods.computeIfAbsent(profile.key(), k -> new TreeSet<>()).add(pod.name());
    }
    client.start();
  }

  /** A {@code via} request: answered by a running pod of the proxy profile, or unavailable. */
  void proxied(WorkloadProfileSpec profile, RequestSpec request, String identity, String pod) {
    String proxy = profile.namespace() + "/" + request.via();
    TreeSet<String> pods = proxyPods.get(proxy);
    load.accounting().recordProxied(proxy, identity, request.verb().wireName(), pods != null && !pods.isEmpty());
  }

  /** The object as stored now (for an update, which sends the whole object). */
  @Nullable Resource current(ResourceKey key) {
    Resource[] found = new Resource[1];
    server.locked(() -> found[0] = server.cache().get(key.groupKind(), key.namespace(), key.name()));
    return found[0];
  }

  VirtualScheduler scheduler() {
    return scheduler;
  }

  /** The profile's identity, else the pod's service account ({@code default} when it names none). */
  static Identity identityOf(WorkloadProfileSpec profile, Resource pod) {
    String name = profile.identity();
    if (name == null) {
      String account = pod.json().path("spec").path("serviceAccountName").asText("");
      return Identity.serviceAccount(pod.namespace(), account.isEmpty() ? "default" : account);
    }
    if (name.startsWith(Identity.SERVICE_ACCOUNT_PREFIX)) {
      String[] parts = name.substring(Identity.SERVICE_ACCOUNT_PREFIX.length()).split(":", 2);
      if (parts.length == 2) {
        return Identity.serviceAccount(parts[0], parts[1]);
      }
    }
    return Identity.user(name);
  }

  /**
   * Whether {@code container} (null: the pod's default container) runs in {@code pod}, as its status says; a pod
   * whose status has no container statuses at all (written by hand, not by a kubelet) counts as running in phase
   * Running. A pod being deleted does not.
   */
  private static boolean isRunning(Resource pod, @Nullable String container) {
    if (!pod.json().path("metadata").path("deletionTimestamp").isMissingNode()) {
      return false;
    }
    JsonNode statuses = pod.status().path("containerStatuses");
    if (statuses.isEmpty()) {
      return pod.status().path("phase").asText("").equals("Running");
    }
    String name = container != null ? container : defaultContainer(pod);
    for (JsonNode status : statuses) {
      if (status.path("name").asText().equals(name)) {
        return status.path("state").has("running");
      }
    }
    return false;
  }

  /** kubectl's default container: the pod's {@value WorkloadProfileSpec#DEFAULT_CONTAINER}, else its first. */
  private static String defaultContainer(Resource pod) {
    String named = pod.annotations().get(WorkloadProfileSpec.DEFAULT_CONTAINER);
    return named != null ? named : pod.spec().path("containers").path(0).path("name").asText();
  }

  /** The profiles it drives. */
  public ImmutableList<String> profiles() {
    return ImmutableList.copyOf(perProfile.keySet());
  }
}
