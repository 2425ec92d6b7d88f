package dev.converge.inmemory.sim.runtime;

import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One informer per kind for every controller of a process, as client-go's {@code SharedInformerFactory}: all
 * controllers register handlers on the same informer, so kube-controller-manager lists and watches pods once,
 * not once per controller. {@link #start()} starts them in the order they were first asked for;
 * {@link #whenSynced(Runnable)} runs an action once every one has listed.
 */
public final class SharedInformers {
  private final SimClient client;
  private final Map<String, Informer> informers = new LinkedHashMap<>();
  private final List<Runnable> onSynced = new ArrayList<>();
  private boolean started;
  private boolean synced;

  public SharedInformers(SimClient client) {
    this.client = client;
  }

  /** The informer on every object of {@code kind}. */
  public Informer of(GroupKind kind) {
    return in(kind, null);
  }

  /** The informer on the objects of {@code kind} in {@code namespace} (every namespace when null). */
  public Informer in(GroupKind kind, @org.jspecify.annotations.Nullable String namespace) {
    String key = kind + "|" + (namespace == null ? "" : namespace);
    return informers.computeIfAbsent(key, k -> {
      Informer informer = new Informer(client, kind, namespace, LabelSelector.everything(), FieldSelector.everything());
      if (started) {
        informer.start();
        informer.whenSynced(this::checkSynced);
      }
      return informer;
    });
  }

  /** Lists and watches every informer asked for so far. */
  public void start() {
    if (started) {
      return;
    }
    started = true;
    for (Informer informer : List.copyOf(informers.values())) {
      informer.start();
    }
    for (Informer informer : List.copyOf(informers.values())) {
      informer.whenSynced(this::checkSynced);
    }
  }

  /** Runs {@code action} once every informer has its first list (at once if they have). */
  public void whenSynced(Runnable action) {
    if (synced) {
      action.run();
    } else {
      onSynced.add(action);
    }
  }

  public boolean hasSynced() {
    return synced;
  }

  private void checkSynced() {
    if (synced) {
      return;
    }
    for (Informer informer : informers.values()) {
      if (!informer.hasSynced()) {
        return;
      }
    }
    synced = true;
    List<Runnable> actions = new ArrayList<>(onSynced);
    onSynced.clear();
    actions.forEach(Runnable::run);
  }
}
