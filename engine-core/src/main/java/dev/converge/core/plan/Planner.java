package dev.converge.core.plan;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.DeleteReason;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Diff;
import dev.converge.api.GraphProblem;
import dev.converge.api.GroupKind;
import dev.converge.api.Observed;
import dev.converge.api.Ownership;
import dev.converge.api.OwnershipConflictException;
import dev.converge.api.Plan;
import dev.converge.api.ReadyGate;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import dev.converge.api.Step;
import dev.converge.core.schema.ListTypes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Compares a desired graph with actual state and returns the ordered plan (DESIGN.md §3). Pure and
 * deterministic: no I/O, no clock; the same inputs give an equal plan, whatever order they were built in.
 * Immutable and safe to share between threads.
 *
 * <ul>
 *   <li><b>Diff</b> ({@link TreeDiff}): only what the desired object sets, by the list-merge keys of {@code
 *       schema.ListKeys} (custom resources: of their CRD's schema, when the desired graph or the actual
 *       objects hold the CRD), quantities and int-or-string by value, zero values the server drops ignored, the
 *       {@link NormalizerRegistry} for the rest. A missing object is created, a differing one updated, one
 *       whose immutable fields differ replaced ({@link ImmutableFields}).
 *   <li><b>Pruning</b>: an actual object that is not desired is deleted only if it carries both ownership marks
 *       of the graph's owner ({@link Ownership#isOwnedBy}); a graph without an owner prunes nothing. Objects
 *       already being deleted are left to finish.
 *   <li><b>Ownership</b>: an apply never changes an owner. A live object carrying ownership marks that its desired
 *       object (as its graph stamps it) would change or drop belongs to someone else, and the whole plan is refused
 *       ({@link OwnershipConflictException}); an object without marks is adopted.
 *   <li><b>Order</b> ({@link Ordering}): steps are the layers of the hard edges with the kind order inside
 *       them. Deletes of webhook configurations and APIServices come first (a dangling webhook must not block
 *       the applies), then every apply (replaces included), then the other deletes in reverse order.
 * </ul>
 *
 * <p>What each action records: {@code orderedBy} holds every hard edge into it (explicit {@code dependsOn}
 * or {@code converge.dev/depends-on}, and the implicit rules), sorted by prerequisite, rule and detail, also
 * from prerequisites that have no action (the executor checks their gates); when the kind order held it back
 * a step, a last {@code KIND_ORDER} edge names the first action of the step before it. {@code after} holds
 * the keys of the actions it waits for, sorted: the actions its hard edges reach (directly or through
 * resources without an action) and that kind-order prerequisite. Phases follow one another as wholes; no
 * edge is recorded across them.
 */
public final class Planner {
  private static final Planner DEFAULTS = builder().build();
  private static final Map<GroupKind, Optional<ReadyGate>> DEFAULT_GATES = new ConcurrentHashMap<>();

  private final NormalizerRegistry normalizers;
  private final ResourceTypes types;

  private Planner(NormalizerRegistry normalizers, ResourceTypes types) {
    this.normalizers = normalizers;
    this.types = types;
  }

  /** A planner with the built-in rules ({@link NormalizerRegistry#builtins()}, {@link ResourceTypes#builtins()}). */
  public static Planner defaults() {
    return DEFAULTS;
  }

  /** A builder that starts from the built-in rules. */
  public static Builder builder() {
    return new Builder();
  }

  /** The value rules this planner's diff consults. */
  public NormalizerRegistry normalizers() {
    return normalizers;
  }

  /** The kinds this planner knows. */
  public ResourceTypes types() {
    return types;
  }

  /**
   * The plan that takes {@code actual} to {@code desired}.
   *
   * @throws dev.converge.api.DependencyCycleException if the hard edges of the desired graph, implicit ones
   *     included, form a cycle; the message names every member and each edge's rule
   * @throws OwnershipConflictException if applying would change the ownership marks of live objects that another
   *     owner holds; the message names each object and its owner
   */
  public Plan plan(DesiredGraph desired, Observed actual) {
    List<DesiredResource> entries = desired.resources().values().asList();
    Pending[] applies = new Pending[entries.size()];
    List<Pending> deletes = new ArrayList<>();
    List<GraphProblem> takenFromOthers = new ArrayList<>(0);
    boolean anyApply = false;
    TreeDiff differ = new TreeDiff(normalizers, listTypes(entries, actual));
    ResourceKey owner = desired.owner().orElse(null);
    // Both sides are sorted by key: walk them together instead of looking each key up.
    Iterator<Resource> live = actual.objects().values().iterator();
    Resource next = live.hasNext() ? live.next() : null;
    for (int i = 0; i < entries.size(); i++) {
      DesiredResource entry = entries.get(i);
      Resource want = entry.resource();
      ResourceKey key = want.key();
      int order = next == null ? 1 : next.key().compareTo(key);
      while (order < 0) {
        prune(next, owner, deletes);
        next = live.hasNext() ? live.next() : null;
        order = next == null ? 1 : next.key().compareTo(key);
      }
      if (order == 0) {
        GraphProblem taken = ownershipTaken(want, next);
        if (taken != null) {
          takenFromOthers.add(taken);
        }
        applies[i] = compare(differ, want, next);
        next = live.hasNext() ? live.next() : null;
      } else {
        applies[i] = Pending.create(want);
      }
      anyApply |= applies[i] != null;
    }
    while (next != null) {
      prune(next, owner, deletes);
      next = live.hasNext() ? live.next() : null;
    }
    if (!takenFromOthers.isEmpty()) {
      throw new OwnershipConflictException(ImmutableList.copyOf(takenFromOthers));
    }
    List<Step> applySteps = Ordering.applies(entries, applies, desired.hasExplicitDependencies(), types);
    if (!anyApply && deletes.isEmpty()) {
      return Plan.empty();
    }
    return assemble(applySteps, deletes, gates(entries));
  }

  /**
   * The plan that removes everything {@code owner} owns in {@code actual}, because the owner is being deleted:
   * a delete ({@link DeleteReason#OWNER_DELETED}) of every object carrying both of its ownership marks,
   * webhook configurations and APIServices first, then the rest in reverse order (Namespace last, custom
   * resources before their CRD). Objects already being deleted are left to finish. An empty plan means
   * nothing the owner owns remains, and its finalizer may go.
   */
  public Plan planTeardown(ResourceKey owner, Observed actual) {
    List<Pending> deletes = new ArrayList<>();
    for (Resource object : actual.objects().values()) {
      if (!object.isBeingDeleted() && Ownership.isOwnedBy(object, owner)) {
        deletes.add(Pending.delete(object, DeleteReason.OWNER_DELETED));
      }
    }
    if (deletes.isEmpty()) {
      return Plan.empty();
    }
    return assemble(List.of(), deletes, ImmutableMap.of());
  }

  /** What differs between {@code desired} and {@code live}, by this planner's rules; empty when live satisfies desired. */
  public Diff diff(Resource desired, Resource live) {
    return new TreeDiff(normalizers, ListTypes.builtin()).diff(desired, live);
  }

  /**
   * How lists merge in this plan: custom resources by the CRDs the plan sees (desired ones over live ones), so
   * that a keyed list is compared by key as the API server merges it; built-in kinds by {@link
   * dev.converge.core.schema.ListKeys}.
   */
  private static ListTypes listTypes(List<DesiredResource> entries, Observed actual) {
    List<Resource> crds = new ArrayList<>(0);
    for (Resource live : actual.objects().values()) {
      if (isCrd(live)) {
        crds.add(live);
      }
    }
    for (DesiredResource entry : entries) {
      if (isCrd(entry.resource())) {
        crds.add(entry.resource());
      }
    }
    return crds.isEmpty() ? ListTypes.builtin() : ListTypes.withCrdsAmong(crds);
  }

  private static boolean isCrd(Resource object) {
    return object.kind().equals("CustomResourceDefinition") && object.group().equals("apiextensions.k8s.io");
  }

  /**
   * The conflict of applying {@code want} over {@code live} when {@code live} carries an ownership mark that {@code
   * want} (stamped by its graph) would change or drop; null when they agree or {@code live} has no mark.
   */
  private static @Nullable GraphProblem ownershipTaken(Resource want, Resource live) {
    String liveKey = live.annotations().get(Ownership.OWNER_ANNOTATION);
    String liveLabel = live.labels().get(Ownership.OWNER_LABEL);
    if (liveKey == null && liveLabel == null) {
      return null;
    }
    String wantKey = want.annotations().get(Ownership.OWNER_ANNOTATION);
    if (Objects.equals(liveKey, wantKey) && Objects.equals(liveLabel, want.labels().get(Ownership.OWNER_LABEL))) {
      return null;
    }
    String holder = liveKey != null ? liveKey : "the owner labelled " + Ownership.OWNER_LABEL + "=" + liveLabel;
    String field = liveKey != null ? "metadata.annotations." + Ownership.OWNER_ANNOTATION : "metadata.labels." + Ownership.OWNER_LABEL;
    String message = wantKey == null
        ? "owned by " + holder + "; applied without an owner here, it would lose its owner's marks"
        : "owned by " + holder + ", not " + wantKey;
    return new GraphProblem(live.key(), field, message);
  }

  private static @Nullable Pending compare(TreeDiff differ, Resource want, Resource live) {
    Diff diff = differ.diff(want, live);
    if (diff.isEmpty()) {
      return null;
    }
    ImmutableList<String> immutable = ImmutableFields.violated(want.groupKind(), diff, live);
    return immutable.isEmpty() ? Pending.update(want, live, diff) : Pending.replace(want, live, diff, immutable);
  }

  private static void prune(Resource live, @Nullable ResourceKey owner, List<Pending> deletes) {
    if (owner != null && !live.isBeingDeleted() && Ownership.isOwnedBy(live, owner)) {
      deletes.add(Pending.delete(live, DeleteReason.NO_LONGER_DESIRED));
    }
  }

  private Plan assemble(List<Step> applies, List<Pending> deletes, ImmutableMap<ResourceKey, ReadyGate> gates) {
    List<Pending> hoisted = new ArrayList<>();
    List<Pending> rest = new ArrayList<>();
    for (Pending delete : deletes) {
      (KindOrder.hoistedDelete(delete.resource().groupKind()) ? hoisted : rest).add(delete);
    }
    ImmutableList.Builder<Step> steps = ImmutableList.builder();
    steps.addAll(Ordering.deletes(hoisted, types));
    steps.addAll(applies);
    steps.addAll(Ordering.deletes(rest, types));
    return new Plan(steps.build(), gates);
  }

  /** The gates of the desired resources; default gates are shared instances so equal inputs give equal plans. */
  private static ImmutableMap<ResourceKey, ReadyGate> gates(List<DesiredResource> entries) {
    ImmutableMap.Builder<ResourceKey, ReadyGate> gates = ImmutableMap.builder();
    // Entries are sorted by key, so each kind is one run: look its default gate up once per run.
    ResourceKey previous = null;
    ReadyGate kindGate = null;
    for (DesiredResource entry : entries) {
      ResourceKey key = entry.key();
      if (previous == null || !previous.kind().equals(key.kind()) || !previous.group().equals(key.group())) {
        kindGate = DEFAULT_GATES.computeIfAbsent(key.groupKind(), ReadyGates::defaultFor).orElse(null);
        previous = key;
      }
      ReadyGate gate = entry.readyWhen();
      if (gate == null) {
        gate = kindGate;
      }
      if (gate != null) {
        gates.put(entry.key(), gate);
      }
    }
    return gates.buildOrThrow();
  }

  /** Builds a {@link Planner}; starts from the built-in normalizers and kinds. Not thread-safe. */
  public static final class Builder {
    private NormalizerRegistry normalizers = NormalizerRegistry.builtins();
    private ResourceTypes types = ResourceTypes.builtins();

    private Builder() {}

    /** Replaces the whole registry (use {@link NormalizerRegistry#empty()} to drop the built-in rules). */
    public Builder normalizers(NormalizerRegistry registry) {
      this.normalizers = registry;
      return this;
    }

    /** Adds a rule for objects of {@code kind} at paths matching {@code pathPattern}. */
    public Builder normalize(GroupKind kind, String pathPattern, Normalizer rule) {
      this.normalizers = normalizers.with(kind, pathPattern, rule);
      return this;
    }

    /** Adds a rule for objects of every kind at paths matching {@code pathPattern}. */
    public Builder normalizeAll(String pathPattern, Normalizer rule) {
      this.normalizers = normalizers.withAll(pathPattern, rule);
      return this;
    }

    /** The kinds the planner knows (custom resources join with {@link ResourceTypes#with}). */
    public Builder types(ResourceTypes resourceTypes) {
      this.types = resourceTypes;
      return this;
    }

    public Planner build() {
      return new Planner(normalizers, types);
    }
  }
}
