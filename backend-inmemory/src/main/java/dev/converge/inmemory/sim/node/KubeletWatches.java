package dev.converge.inmemory.sim.node;

import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.PodSources;
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
 *   <li>every RuntimeClass (the runtime class manager's informer, {@code runtimeclass.NewManager}) and every
 *       CSIDriver (the volume plugin manager's, {@code NewInitializedVolumePluginMgr}), cluster-wide;
 *   <li>each Secret and ConfigMap its pods refer to ({@code metadata.name=<name>} in the pod's namespace: the
 *       default {@code Watch} change-detection strategy's {@code watch_based_manager}): one watch per object while
 *       a pod of the node refers to it, however many do; none more once the object is seen {@code immutable}.
 *       Referred to is each of its {@link PodSources}.
 * </ul>
 *
 * Each watch is an informer on the kubelet's own client (a LIST, then a WATCH), restarted as informers restart.
 * What the Secret and ConfigMap watches deliver decides whether a pod's volumes mount and its containers can be
 * created ({@link #problem}); nothing reads the Services, as no container runs.
 */
final class KubeletWatches implements Informer.Handler {
  static final GroupKind SERVICE = GroupKind.of("", "Service");
  static final GroupKind RUNTIME_CLASS = GroupKind.of("node.k8s.io", "RuntimeClass");
  static final GroupKind CSI_DRIVER = GroupKind.of("storage.k8s.io", "CSIDriver");

  private final SimClient client;
  private final String node;
  private final List<Informer> standing = new ArrayList<>();
  /** The objects the node's pods refer to, by pod uid. */
  private final Map<String, Set<Referenced>> byPod = new HashMap<>();
  /** One watch per referenced object, with how many pods refer to it; null once it stopped (immutable). */
  private final Map<Referenced, Watch> watches = new HashMap<>();
  private boolean running;

  /** A Secret or ConfigMap a pod refers to. */
  record Referenced(GroupKind kind, ObjectName name) {
    static Referenced of(String namespace, PodSources.Source source) {
      return new Referenced(source.kind(), new ObjectName(namespace, source.name()));
    }
  }

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
    standing.add(new Informer(client, RUNTIME_CLASS, null, LabelSelector.everything(), FieldSelector.everything()));
    standing.add(new Informer(client, CSI_DRIVER, null, LabelSelector.everything(), FieldSelector.everything()));
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
    // A status report shares the stored spec: only a new spec can change what the pod refers to.
    if (old.spec() != current.spec()) {
      register(current);
    }
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
   * the watch of every object in {@code needed} (sources of the pod) has its first list: at once when they all
   * have.
   */
  void whenSynced(Resource pod, List<PodSources.Source> needed, Runnable action) {
    register(pod);
    Set<Informer> pending = new LinkedHashSet<>();
    for (PodSources.Source source : needed) {
      Watch watch = watches.get(Referenced.of(pod.namespace(), source));
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
   * What keeps {@code source} of a pod in {@code namespace} from being used, in the kubelet's words: {@code secret
   * "s" not found}, {@code couldn't find key k in Secret ns/s}; null when it can be used (or is optional).
   */
  @Nullable String problem(String namespace, PodSources.Source source) {
    if (source.optional()) {
      return null;
    }
    Resource object = get(source.kind(), namespace, source.name());
    if (object == null) {
      return source.notFound();
    }
    String key = source.key();
    if (key == null) {
      return null;
    }
    boolean secret = source.kind().equals(PodSources.SECRET);
    boolean has = object.json().path("data").has(key) || !secret && object.json().path("binaryData").has(key);
    return has ? null : "couldn't find key " + key + " in " + (secret ? "Secret " : "ConfigMap ") + namespace + "/"
        + source.name();
  }

  /**
   * The Secret or ConfigMap as the kubelet's watch of it has it, or null when it does not exist (or the pods that
   * referred to it are gone).
   */
  private @Nullable Resource get(GroupKind kind, String namespace, String name) {
    Watch watch = watches.get(new Referenced(kind, new ObjectName(namespace, name)));
    if (watch == null) {
      return null;
    }
    if (watch.immutable != null) {
      return watch.immutable;
    }
    return watch.informer == null ? null : watch.informer.get(namespace, name);
  }

  /** The Secrets and ConfigMaps {@code pod} refers to, each once, in its spec's order. */
  private static Set<Referenced> referencedBy(Resource pod) {
    Set<Referenced> out = new LinkedHashSet<>();
    for (PodSources.Source source : PodSources.of(pod)) {
      out.add(Referenced.of(pod.namespace(), source));
    }
    return out;
  }

  private static String uid(Resource pod) {
    String uid = pod.uid();
    return uid == null ? pod.name() : uid;
  }
}
