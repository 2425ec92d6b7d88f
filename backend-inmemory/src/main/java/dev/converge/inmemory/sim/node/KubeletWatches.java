package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.store.ObjectName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The watches a kubelet keeps on the API server besides its pods', as kubelet 1.32 keeps them, so that a
 * simulated cluster's load has every node's share:
 *
 * <ul>
 *   <li>its own Node ({@code metadata.name=<node>}: {@code NewMainKubelet}'s node informer);
 *   <li>every Service with a cluster IP ({@code spec.clusterIP!=None}, all namespaces: the informer behind
 *       service environment variables, which has left headless Services out since 1.30, kubernetes#122394);
 *   <li>each Secret and ConfigMap its pods refer to ({@code metadata.name=<name>} in the pod's namespace: the
 *       default {@code Watch} change-detection strategy's {@code watch_based_manager}): one watch per object while
 *       a pod of the node refers to it, however many do; none more once the object is seen {@code immutable}.
 *       Referred to are a pod's image pull secrets, {@code env[].valueFrom} and {@code envFrom} of its
 *       containers, init and ephemeral containers, and its {@code secret}, {@code configMap} and {@code projected}
 *       volumes ({@code VisitPodSecretNames}, {@code VisitPodConfigmapNames}).
 * </ul>
 *
 * Each watch is an informer on the kubelet's own client (a LIST, then a WATCH), restarted as informers restart.
 * The kubelet uses none of what they deliver: containers do not run, so nothing reads a Secret or a Service's
 * variables.
 */
final class KubeletWatches implements Informer.Handler {
  static final GroupKind SECRET = GroupKind.of("", "Secret");
  static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  static final GroupKind SERVICE = GroupKind.of("", "Service");

  private final SimClient client;
  private final String node;
  private final List<Informer> standing = new ArrayList<>();
  /** The objects the node's pods refer to, by pod uid. */
  private final Map<String, Set<Referenced>> byPod = new HashMap<>();
  /** One watch per referenced object, with how many pods refer to it; null once it stopped (immutable). */
  private final Map<Referenced, Watch> watches = new HashMap<>();
  private boolean running;

  /** A Secret or ConfigMap a pod refers to. */
  record Referenced(GroupKind kind, ObjectName name) {}

  private static final class Watch {
    int pods;
    @Nullable Informer informer;
    /** The object once seen immutable (its watch then stopped), which the kubelet keeps using. */
    @Nullable Resource immutable;
  }

  KubeletWatches(SimClient client, String node) {
    this.client = client;
    this.node = node;
  }

  /** Starts the Node and Service watches (the kubelet starts them before it registers). */
  void start() {
    if (running) {
      return;
    }
    running = true;
    standing.add(new Informer(client, Kubelet.NODE, null, LabelSelector.everything(),
        FieldSelector.equal("metadata.name", node)));
    standing.add(new Informer(client, SERVICE, null, LabelSelector.everything(),
        FieldSelector.parse("spec.clusterIP!=None")));
    standing.forEach(Informer::start);
  }

  /** Stops every watch (the kubelet died); the pods' references are forgotten with them. */
  void stop() {
    running = false;
    standing.forEach(Informer::stop);
    standing.clear();
    for (Watch watch : watches.values()) {
      if (watch.informer != null) {
        watch.informer.stop();
      }
    }
    watches.clear();
    byPod.clear();
  }

  /** Open watches, for diagnostics and tests. */
  int open() {
    int open = standing.size();
    for (Watch watch : watches.values()) {
      open += watch.informer == null ? 0 : 1;
    }
    return open;
  }

  @Override
  public void onAdd(Resource pod) {
    register(pod);
  }

  @Override
  public void onUpdate(Resource old, Resource current) {
    register(current);
  }

  @Override
  public void onDelete(Resource last) {
    Set<Referenced> released = byPod.remove(uid(last));
    if (released != null) {
      released.forEach(this::release);
    }
  }

  /** {@code RegisterPod}: references the pod's objects, then drops those it referred to before and no longer does. */
  private void register(Resource pod) {
    if (!running) {
      return;
    }
    Set<Referenced> now = referencedBy(pod);
    Set<Referenced> before = byPod.put(uid(pod), now);
    for (Referenced referenced : now) {
      if (before == null || !before.contains(referenced)) {
        acquire(referenced);
      }
    }
    if (before != null) {
      for (Referenced referenced : before) {
        if (!now.contains(referenced)) {
          release(referenced);
        }
      }
    }
  }

  private void acquire(Referenced referenced) {
    Watch watch = watches.computeIfAbsent(referenced, r -> new Watch());
    if (watch.pods++ > 0) {
      return;
    }
    Informer informer = new Informer(client, referenced.kind(), referenced.name().namespace(),
        LabelSelector.everything(), FieldSelector.equal("metadata.name", referenced.name().name()));
    informer.addHandler(Informer.Handler.of(object -> {
      // An immutable object cannot change: the manager stops watching it and keeps what it saw.
      if (object.json().path("immutable").asBoolean(false) && watch.informer != null) {
        watch.immutable = object;
        watch.informer.stop();
        watch.informer = null;
      }
    }, last -> {}));
    watch.informer = informer;
    informer.start();
  }

  private void release(Referenced referenced) {
    Watch watch = watches.get(referenced);
    if (watch == null || --watch.pods > 0) {
      return;
    }
    watches.remove(referenced);
    if (watch.informer != null) {
      watch.informer.stop();
    }
  }

  /**
   * Registers {@code pod} (its informer event may come after the pod's own handling) and runs {@code action} once
   * the watch of every object in {@code needed} (objects the pod refers to) has its first list: at once when they
   * all have.
   */
  void whenSynced(Resource pod, Set<Referenced> needed, Runnable action) {
    register(pod);
    List<Informer> pending = new ArrayList<>();
    for (Referenced referenced : needed) {
      Watch watch = watches.get(referenced);
      if (watch != null && watch.informer != null && !watch.informer.hasSynced()) {
        pending.add(watch.informer);
      }
    }
    if (pending.isEmpty()) {
      action.run();
      return;
    }
    int[] left = {pending.size()};
    for (Informer informer : pending) {
      informer.whenSynced(() -> {
        if (--left[0] == 0) {
          action.run();
        }
      });
    }
  }

  /**
   * The Secret or ConfigMap as the kubelet's watch of it has it, or null when it does not exist (or the pods that
   * referred to it are gone).
   */
  @Nullable Resource get(GroupKind kind, String namespace, String name) {
    Watch watch = watches.get(new Referenced(kind, new ObjectName(namespace, name)));
    if (watch == null) {
      return null;
    }
    if (watch.immutable != null) {
      return watch.immutable;
    }
    return watch.informer == null ? null : watch.informer.get(namespace, name);
  }

  /** The Secrets and ConfigMaps {@code pod} refers to, in its spec's order. */
  static Set<Referenced> referencedBy(Resource pod) {
    Set<Referenced> out = new LinkedHashSet<>();
    String namespace = pod.namespace();
    JsonNode spec = pod.spec();
    for (JsonNode pullSecret : spec.path("imagePullSecrets")) {
      add(out, SECRET, namespace, pullSecret.path("name"));
    }
    for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      for (JsonNode container : spec.path(list)) {
        for (JsonNode from : container.path("envFrom")) {
          add(out, SECRET, namespace, from.path("secretRef").path("name"));
          add(out, CONFIG_MAP, namespace, from.path("configMapRef").path("name"));
        }
        for (JsonNode env : container.path("env")) {
          JsonNode valueFrom = env.path("valueFrom");
          add(out, SECRET, namespace, valueFrom.path("secretKeyRef").path("name"));
          add(out, CONFIG_MAP, namespace, valueFrom.path("configMapKeyRef").path("name"));
        }
      }
    }
    for (JsonNode volume : spec.path("volumes")) {
      add(out, SECRET, namespace, volume.path("secret").path("secretName"));
      add(out, CONFIG_MAP, namespace, volume.path("configMap").path("name"));
      for (JsonNode source : volume.path("projected").path("sources")) {
        add(out, SECRET, namespace, source.path("secret").path("name"));
        add(out, CONFIG_MAP, namespace, source.path("configMap").path("name"));
      }
    }
    return out;
  }

  /**
   * What each of {@code pod}'s Secret and ConfigMap volumes (and projected sources) needs to be mounted: by volume
   * name, the objects that must exist (an {@code optional} one need not).
   */
  static Map<String, List<Referenced>> volumeSources(Resource pod) {
    Map<String, List<Referenced>> out = new java.util.LinkedHashMap<>();
    String namespace = pod.namespace();
    for (JsonNode volume : pod.spec().path("volumes")) {
      Set<Referenced> needed = new LinkedHashSet<>();
      JsonNode secret = volume.path("secret");
      if (!secret.path("optional").asBoolean(false)) {
        add(needed, SECRET, namespace, secret.path("secretName"));
      }
      JsonNode configMap = volume.path("configMap");
      if (!configMap.path("optional").asBoolean(false)) {
        add(needed, CONFIG_MAP, namespace, configMap.path("name"));
      }
      for (JsonNode source : volume.path("projected").path("sources")) {
        if (!source.path("secret").path("optional").asBoolean(false)) {
          add(needed, SECRET, namespace, source.path("secret").path("name"));
        }
        if (!source.path("configMap").path("optional").asBoolean(false)) {
          add(needed, CONFIG_MAP, namespace, source.path("configMap").path("name"));
        }
      }
      if (!needed.isEmpty()) {
        out.put(volume.path("name").asText(), List.copyOf(needed));
      }
    }
    return out;
  }

  private static void add(Set<Referenced> out, GroupKind kind, String namespace, JsonNode name) {
    String text = name.asText("");
    if (!text.isEmpty()) {
      out.add(new Referenced(kind, new ObjectName(namespace, text)));
    }
  }

  private static String uid(Resource pod) {
    String uid = pod.uid();
    return uid == null ? pod.name() : uid;
  }
}
