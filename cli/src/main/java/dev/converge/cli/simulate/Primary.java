package dev.converge.cli.simulate;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Condition;

/**
 * The final status of one custom resource an extension's control loop reconciled during a run.
 *
 * @param kind its kind
 * @param namespace its namespace, empty if cluster-scoped
 * @param name its name
 * @param conditions {@code status.conditions}, in the order the object holds them
 */
public record Primary(String kind, String namespace, String name, ImmutableList<Condition> conditions) {}
