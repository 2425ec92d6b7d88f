package dev.converge.bench;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.Ticker;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import dev.converge.bench.CrudTimes.Phase;
import dev.converge.inmemory.InMemoryCluster;
import java.util.ArrayList;
import java.util.List;

/**
 * One round of the CRUD workload through the {@link Backend} SPI on a fresh in-memory cluster, as a test
 * author's code uses it: {@code InMemoryCluster.create(ticker, seed).backend()} with its defaults (acting as
 * {@code system:admin}, every request authorized, admitted, validated and recorded in the request log, the
 * built-in controllers run after every request).
 *
 * <p>Verbs: create by server-side apply ({@link Backend#apply}, forced, manager {@code converge}: the SPI's
 * only way to create, and the costlier verb, since it computes and records field ownership), {@code get},
 * {@code list} of each kind in the namespace, {@code update} (PUT with the {@code resourceVersion} read by the
 * get, one label added) and {@code delete} (background propagation).
 */
final class InMemoryCrud {
  static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");

  private InMemoryCrud() {}

  /** Runs one round and checks every answer; throws if the backend answered anything unexpected. */
  static CrudTimes round(CrudWorkload workload) {
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), 42);
    Backend backend = cluster.backend();
    int objects = workload.size();
    CrudTimes times = new CrudTimes();
    List<Resource> created = new ArrayList<>(objects);
    ApplyOptions apply = ApplyOptions.defaults();

    times.start();
    for (CrudWorkload.Item item : workload.items()) {
      created.add(backend.apply(item.resource(), apply));
    }
    times.stop(Phase.CREATE, objects);

    List<Resource> read = new ArrayList<>(objects);
    times.start();
    for (Resource object : created) {
      read.add(backend.get(object.key()).orElseThrow());
    }
    times.stop(Phase.GET, objects);

    times.start();
    int configMaps = backend.list(ListRequest.all(CONFIG_MAP).inNamespace(CrudWorkload.NAMESPACE)).items().size();
    int deployments = backend.list(ListRequest.all(DEPLOYMENT).inNamespace(CrudWorkload.NAMESPACE)).items().size();
    times.stop(Phase.LIST, 2);
    // The namespace also holds the root CA publisher's kube-root-ca.crt, as a cluster's namespaces do.
    check(configMaps == objects / 2 + 1 && deployments == objects / 2, "list returned " + configMaps + " + " + deployments);

    List<Resource> edited = new ArrayList<>(objects);
    for (Resource object : read) {
      edited.add(object.withLabel("bench/updated", "true"));
    }
    List<Resource> updated = new ArrayList<>(objects);
    times.start();
    for (Resource object : edited) {
      updated.add(backend.update(object));
    }
    times.stop(Phase.UPDATE, objects);
    for (int i = 0; i < objects; i++) {
      check(!updated.get(i).resourceVersion().equals(read.get(i).resourceVersion())
          && updated.get(i).labels().containsKey("bench/updated"), "update of " + read.get(i).key() + " not stored");
    }

    int deleted = 0;
    DeleteOptions background = DeleteOptions.background();
    times.start();
    for (Resource object : updated) {
      if (backend.delete(object.key(), background)) {
        deleted++;
      }
    }
    times.stop(Phase.DELETE, objects);
    check(deleted == objects, "deleted " + deleted + " of " + objects);
    check(backend.list(ListRequest.all(DEPLOYMENT).inNamespace(CrudWorkload.NAMESPACE)).items().isEmpty()
        && backend.list(ListRequest.all(CONFIG_MAP).inNamespace(CrudWorkload.NAMESPACE)).items().stream()
            .allMatch(left -> left.name().equals("kube-root-ca.crt")),
        "objects left after delete");
    return times;
  }

  static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
