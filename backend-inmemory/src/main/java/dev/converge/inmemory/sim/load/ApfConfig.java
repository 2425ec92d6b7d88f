package dev.converge.inmemory.sim.load;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.converge.inmemory.sim.load.FlowSchema.ALL;

import com.google.common.collect.ImmutableList;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.load.FlowSchema.Distinguisher;
import dev.converge.inmemory.sim.load.FlowSchema.Rule;
import dev.converge.inmemory.sim.load.FlowSchema.Subject;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The configuration of API priority and fairness: the server's seats, the priority levels, the flow schemas
 * and the work-estimation constants. {@link #kubernetesDefaults()} is what a kube-apiserver starts with
 * ({@code k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap/default.go}, {@code --max-requests-inflight} 400 +
 * {@code --max-mutating-requests-inflight} 200).
 *
 * @param serverSeats seats shared by the limited levels ({@code serverConcurrencyLimit})
 * @param levels the priority levels
 * @param schemas the flow schemas, sorted by precedence then name
 * @param objectsPerSeat a LIST takes one seat per this many objects it processes ({@code ObjectsPerSeat})
 * @param maxListSeats the cap on a LIST's seats over all levels ({@code MaximumListSeatsLimit}: 100 since the
 *     size-based estimate of Kubernetes 1.34, 10 before); each level caps lower at {@code max(1,
 *     min(ceil(0.15 × its seats), its seats / handSize))}
 * @param requestWaitLimit how long a request may wait in a queue before it is rejected (a quarter of the
 *     default 60 s request timeout, {@code getRequestWaitContext})
 * @param retryAfter the {@code Retry-After} of a 429 (kube-apiserver sends 1 s)
 * @param estimatedServiceTime the service time fair queuing assumes before a request has run ({@code
 *     estimatedServiceDuration}, 3 ms)
 */
public record ApfConfig(int serverSeats, ImmutableList<PriorityLevel> levels, ImmutableList<FlowSchema> schemas,
    int objectsPerSeat, int maxListSeats, Duration requestWaitLimit, Duration retryAfter, Duration estimatedServiceTime) {

  public ApfConfig {
    checkArgument(serverSeats > 0, "serverSeats must be positive");
    checkArgument(objectsPerSeat > 0 && maxListSeats > 0, "objectsPerSeat and maxListSeats must be positive");
    schemas = ImmutableList.sortedCopyOf(Comparator.comparingInt(FlowSchema::precedence).thenComparing(FlowSchema::name),
        schemas);
    for (FlowSchema schema : schemas) {
      checkArgument(levels.stream().anyMatch(l -> l.name().equals(schema.level())),
          "flow schema %s names an unknown priority level %s", schema.name(), schema.level());
    }
  }

  /** Kubernetes' mandatory and suggested objects, 600 seats. */
  public static ApfConfig kubernetesDefaults() {
    ImmutableList<PriorityLevel> levels = ImmutableList.of(
        PriorityLevel.exempt("exempt"),
        PriorityLevel.queuing("system", 30, 64, 6, 50),
        PriorityLevel.queuing("node-high", 40, 64, 6, 50),
        PriorityLevel.queuing("leader-election", 10, 16, 4, 50),
        PriorityLevel.queuing("workload-high", 40, 128, 6, 50),
        PriorityLevel.queuing("workload-low", 100, 128, 6, 50),
        PriorityLevel.queuing("global-default", 20, 128, 6, 50),
        PriorityLevel.rejecting("catch-all", 5));
    Subject kcm = Subject.user("system:kube-controller-manager");
    Subject scheduler = Subject.user("system:kube-scheduler");
    Subject kubeSystem = Subject.serviceAccount("kube-system", ALL);
    Subject nodes = Subject.group("system:nodes");
    List<String> leaderVerbs = List.of("get", "create", "update");
    Rule leaseRule = Rule.of(leaderVerbs, List.of("coordination.k8s.io"), List.of("leases"), List.of(ALL), false);
    ImmutableList<Rule> everything = ImmutableList.of(Rule.everything());
    ImmutableList<FlowSchema> schemas = ImmutableList.of(
        new FlowSchema("exempt", "exempt", 1, Distinguisher.NONE, ImmutableList.of(Subject.group(Identity.MASTERS)),
            everything),
        new FlowSchema("system-leader-election", "leader-election", 100, Distinguisher.BY_USER,
            ImmutableList.of(kcm, scheduler, kubeSystem), ImmutableList.of(
                Rule.of(leaderVerbs, List.of(""), List.of("endpoints", "configmaps"), List.of("kube-system"), false),
                leaseRule)),
        new FlowSchema("workload-leader-election", "leader-election", 200, Distinguisher.BY_USER,
            ImmutableList.of(kubeSystem), ImmutableList.of(
                Rule.of(leaderVerbs, List.of(""), List.of("endpoints", "configmaps"), List.of(ALL), false),
                leaseRule)),
        new FlowSchema("system-node-high", "node-high", 400, Distinguisher.BY_USER, ImmutableList.of(nodes),
            ImmutableList.of(
                Rule.of(List.of(ALL), List.of(""), List.of("nodes", "nodes/status"), List.of(ALL), true),
                Rule.of(List.of(ALL), List.of("coordination.k8s.io"), List.of("leases"), List.of(ALL), false))),
        new FlowSchema("system-nodes", "system", 500, Distinguisher.BY_USER, ImmutableList.of(nodes), everything),
        new FlowSchema("kube-controller-manager", "workload-high", 800, Distinguisher.BY_NAMESPACE,
            ImmutableList.of(kcm), everything),
        new FlowSchema("kube-scheduler", "workload-high", 800, Distinguisher.BY_NAMESPACE,
            ImmutableList.of(scheduler), everything),
        new FlowSchema("kube-system-service-accounts", "workload-high", 900, Distinguisher.BY_NAMESPACE,
            ImmutableList.of(kubeSystem), everything),
        new FlowSchema("service-accounts", "workload-low", 9000, Distinguisher.BY_USER,
            ImmutableList.of(Subject.group("system:serviceaccounts")), everything),
        new FlowSchema("global-default", "global-default", 9900, Distinguisher.BY_USER,
            ImmutableList.of(Subject.group("system:unauthenticated"), Subject.group(Identity.AUTHENTICATED)), everything),
        new FlowSchema("catch-all", "catch-all", 10000, Distinguisher.BY_USER,
            ImmutableList.of(Subject.group("system:unauthenticated"), Subject.group(Identity.AUTHENTICATED)), everything));
    return new ApfConfig(600, levels, schemas, 100, 100, Duration.ofSeconds(15), Duration.ofSeconds(1),
        Duration.ofMillis(3));
  }

  /** This configuration with {@code seats} server seats ({@code --max-requests-inflight} + mutating). */
  public ApfConfig withServerSeats(int seats) {
    return new ApfConfig(seats, levels, schemas, objectsPerSeat, maxListSeats, requestWaitLimit, retryAfter,
        estimatedServiceTime);
  }

  /** This configuration with another cap on LIST seats (10 models Kubernetes before 1.34). */
  public ApfConfig withMaxListSeats(int seats) {
    return new ApfConfig(serverSeats, levels, schemas, objectsPerSeat, seats, requestWaitLimit, retryAfter,
        estimatedServiceTime);
  }

  /**
   * The seats of each limited level: {@code ceil(serverSeats × shares / Σ shares)}, as the APF config
   * controller divides them ({@code finishQueueSetReconfigsLocked}); 0 for the exempt level.
   */
  public int seatsOf(PriorityLevel level) {
    if (level.type() == PriorityLevel.Type.EXEMPT) {
      return 0;
    }
    int sum = levels.stream().mapToInt(PriorityLevel::shares).sum();
    return (int) Math.ceil((double) serverSeats * level.shares() / sum);
  }

  /**
   * The most seats one LIST of {@code level} may take: {@code max(1, min(ceil(0.15 × seats), seats /
   * handSize))} for a queuing level (the APF controller's {@code SetMaxSeats}), and never above {@link
   * #maxListSeats()}.
   */
  public int maxSeatsOf(PriorityLevel level) {
    if (level.type() != PriorityLevel.Type.QUEUE) {
      return maxListSeats;
    }
    int seats = seatsOf(level);
    int perLevel = (int) Math.max(1, Math.min(Math.ceil(seats * 0.15), seats / level.handSize()));
    return Math.min(perLevel, maxListSeats);
  }
}
