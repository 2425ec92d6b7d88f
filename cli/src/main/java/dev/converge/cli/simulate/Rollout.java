package dev.converge.cli.simulate;

import com.google.common.collect.ImmutableList;
import org.jspecify.annotations.Nullable;

/**
 * When one workload of the input became fully available: all its desired pods updated and available, as its
 * controller's status reports; for a Job, when it completed.
 *
 * @param kind DaemonSet, Deployment, StatefulSet, ReplicaSet or Job
 * @param namespace its namespace
 * @param name its name
 * @param desired desired pods at the end of the run ({@code desiredNumberScheduled} or {@code spec.replicas}; a
 *     Job's {@code completions})
 * @param available available pods at the end of the run (a Job's succeeded pods)
 * @param availableAtSeconds simulated seconds from the start until it (last) became fully available, or null if
 *     it is not fully available at the end of the run
 * @param notReady when it is not fully available at the end, its pods that are not Ready (and the ones it lacks),
 *     grouped by what {@code kubectl get pods} shows ({@link StuckPods}); else empty
 */
public record Rollout(String kind, String namespace, String name, int desired, int available,
    @Nullable Double availableAtSeconds, ImmutableList<StuckPods.Group> notReady) {}
