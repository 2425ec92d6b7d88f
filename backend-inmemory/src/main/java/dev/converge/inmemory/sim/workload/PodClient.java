package dev.converge.inmemory.sim.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.FieldSelector;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchRequest;
import dev.converge.core.time.ScheduledTask;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.sim.runtime.ApiCall;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.workload.RequestSpec.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * One running pod driven by one profile: it opens its watches when it starts and again each time the server ends
 * one (every 5 to 10 minutes, as a client-go reflector's), makes each periodic request on its period
 * from a seeded random phase (so that 5,000 agents do not all fire in the same nanosecond), sends reads with
 * {@code via} to a proxy pod instead of the API server, and stops — closing its watches — when the pod stops
 * running. A proxy pod also opens one cluster-wide watch per resource it serves.
 */
final class PodClient {

  private final WorkloadDriver driver;
  private final WorkloadProfileSpec profile;
  private final SimClient client;
  private final String namespace;
  private final String pod;
  private final String node;
  private final SplittableRandom random;
  private final List<ScheduledTask> opening = new ArrayList<>();
  private final ScheduledTask[] next;
  private final List<Subscription> watches = new ArrayList<>();
  private boolean stopped;
  private long writes;

  PodClient(WorkloadDriver driver, WorkloadProfileSpec profile, SimClient client, String namespace, String pod, String node,
      SplittableRandom random) {
    this.driver = driver;
    this.profile = profile;
    this.client = client;
    this.namespace = namespace;
    this.pod = pod;
    this.node = node;
    this.random = random;
    this.next = new ScheduledTask[profile.requests().size()];
  }

  String pod() {
    return pod;
  }

  /** Schedules everything the pod does; called from a change listener, so it only schedules. */
  /** The user its pod acts as. */
  String identity() {
    return client.identity().name();
  }

  void start() {
    VirtualScheduler scheduler = driver.scheduler();
    for (ResourceType type : profile.proxyWatch()) {
      opening.add(scheduler.schedule(java.time.Duration.ZERO, () -> watch(WatchRequest.all(type.groupKind()))));
    }
    for (int i = 0; i < next.length; i++) {
      RequestSpec request = profile.requests().get(i);
      if (request.every() == null) {
        opening.add(scheduler.schedule(java.time.Duration.ZERO, () -> watch(watchRequest(request))));
      } else {
        schedule(i, scheduler.nanoTime() + random.nextLong(request.every().toNanos()));
      }
    }
  }

  /** Stops the pod's requests and closes its watches (later, as an event: closing is a server call). */
  void stop() {
    stopped = true;
    opening.forEach(ScheduledTask::cancel);
    opening.clear();
    for (ScheduledTask task : next) {
      if (task != null) {
        task.cancel();
      }
    }
    if (!watches.isEmpty()) {
      List<Subscription> open = new ArrayList<>(watches);
      watches.clear();
      driver.scheduler().schedule(java.time.Duration.ZERO, () -> open.forEach(Subscription::close));
    }
  }

  private void schedule(int index, long at) {
    next[index] = driver.scheduler().scheduleAt(at, () -> tick(index, at));
  }

  private void tick(int index, long at) {
    if (stopped) {
      return;
    }
    RequestSpec request = profile.requests().get(index);
    issue(request);
    schedule(index, at + request.every().toNanos());
  }

  private void issue(RequestSpec request) {
    if (request.via() != null) {
      driver.proxied(profile, request, client.identity().name(), pod);
      return;
    }
    switch (request.verb()) {
      case LIST:
        client.send(ApiCall.list(listRequest(request)));
        break;
      case GET:
        client.send(ApiCall.get(target(request)));
        break;
      case CREATE:
        client.send(ApiCall.create(created(request)));
        break;
      case PATCH:
        client.send(ApiCall.patch(target(request), PatchType.MERGE, annotation(), PatchOptions.defaults()));
        break;
      case UPDATE:
        Resource current = driver.current(target(request));
        if (current != null) {
          client.send(ApiCall.update(current.edit(tree -> tree.withObjectProperty("metadata")
              .withObjectProperty("annotations").put(WorkloadDriver.TICK_ANNOTATION, Long.toString(++writes)))));
        }
        break;
      default:
        throw new IllegalStateException("not a periodic verb: " + request.verb());
    }
  }

  private void watch(WatchRequest request) {
    watch(request, null);
  }

  /**
   * Opens a watch as client-go's reflector does (BOOKMARKs asked for, ended by the server after 5 to 10 minutes,
   * {@link Informer#watchTimeout}) and, when it ends, opens it again from the last resourceVersion it carried;
   * from scratch if the server no longer keeps that version (410), as after a relist.
   */
  private void watch(WatchRequest base, @Nullable String fromVersion) {
    if (stopped) {
      return;
    }
    String[] last = {fromVersion};
    WatchRequest request = new WatchRequest(base.kind(), base.namespace(), base.labels(), base.fields(), fromVersion,
        true);
    java.time.Duration timeout = Informer.watchTimeout(random);
    client.send(ApiCall.watch(request, event -> last[0] = event.object().resourceVersion(), timeout), response -> {
      if (!response.ok()) {
        if (fromVersion != null && response.failedWith(BackendException.Gone.class)) {
          later(Informer.RELIST_DELAY, () -> watch(base, null));
        }
        return;
      }
      Subscription subscription = response.get();
      if (stopped) {
        subscription.close();
        return;
      }
      watches.add(subscription);
      later(timeout, () -> {
        if (watches.remove(subscription)) {
          subscription.close();
          watch(base, last[0]);
        }
      });
    });
  }

  /** Runs {@code action} after {@code delay} unless the pod stops first. */
  private void later(java.time.Duration delay, Runnable action) {
    ScheduledTask[] task = new ScheduledTask[1];
    task[0] = driver.scheduler().schedule(delay, () -> {
      opening.remove(task[0]);
      if (!stopped) {
        action.run();
      }
    });
    opening.add(task[0]);
  }

  private ListRequest listRequest(RequestSpec request) {
    ListRequest list = ListRequest.all(request.type().groupKind());
    if (request.scope() == Scope.NAMESPACE) {
      return list.inNamespace(namespace);
    }
    FieldSelector fields = nodeFields(request);
    return fields == null ? list : list.withFields(fields);
  }

  private WatchRequest watchRequest(RequestSpec request) {
    WatchRequest watch = WatchRequest.all(request.type().groupKind());
    if (request.scope() == Scope.NAMESPACE) {
      return watch.inNamespace(namespace);
    }
    FieldSelector fields = nodeFields(request);
    return fields == null ? watch : watch.withFields(fields);
  }

  /** Scope node: pods by {@code spec.nodeName}, nodes by their name. */
  private @Nullable FieldSelector nodeFields(RequestSpec request) {
    if (request.scope() != Scope.NODE) {
      return null;
    }
    return request.type().plural().equals("pods") ? FieldSelector.equal("spec.nodeName", node)
        : FieldSelector.equal("metadata.name", node);
  }

  /** The one object a get, update or patch addresses: the pod's node, the pod, or its namespace. */
  private ResourceKey target(RequestSpec request) {
    ResourceType type = request.type();
    switch (type.plural()) {
      case "nodes":
        return type.key("", node);
      case "namespaces":
        return type.key("", namespace);
      default:
        return type.key(namespace, pod);
    }
  }

  private Resource created(RequestSpec request) {
    String name = pod + "-" + (++writes);
    ObjectNode tree = Json.object();
    tree.put("apiVersion", "v1");
    tree.put("kind", request.type().kind());
    ObjectNode metadata = tree.putObject("metadata");
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    if (request.type().plural().equals("events")) {
      ObjectNode involved = tree.putObject("involvedObject");
      involved.put("kind", "Pod");
      involved.put("namespace", namespace);
      involved.put("name", pod);
      tree.put("reason", "Simulated");
      tree.put("message", "a request of WorkloadProfile " + profile.key());
      tree.put("type", "Normal");
    } else {
      tree.putObject("data").put("tick", Long.toString(writes));
    }
    return Resource.of(tree);
  }

  private ObjectNode annotation() {
    ObjectNode patch = Json.object();
    patch.putObject("metadata").putObject("annotations").put(WorkloadDriver.TICK_ANNOTATION, Long.toString(++writes));
    return patch;
  }
}
