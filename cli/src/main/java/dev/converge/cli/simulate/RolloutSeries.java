package dev.converge.cli.simulate;

import com.google.common.collect.ImmutableList;

/**
 * One workload's rollout over time: desired and available pods sampled at the same simulated instants, the
 * series the HTML report charts (available against desired).
 *
 * @param kind DaemonSet, Deployment, StatefulSet or ReplicaSet
 * @param namespace its namespace
 * @param name its name
 * @param seconds the sample instants, simulated seconds from the start
 * @param desired desired pods at each instant, as its controller's status last reported
 * @param available available pods at each instant
 */
public record RolloutSeries(String kind, String namespace, String name, ImmutableList<Double> seconds,
    ImmutableList<Integer> desired, ImmutableList<Integer> available) {}
