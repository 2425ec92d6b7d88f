/**
 * The operator on a simulated cluster ({@code backend-inmemory}'s {@code sim}): step 1 of the install flow
 * applied as a resource graph with the Cluster Agent's webhooks registered ({@link OperatorSimulation}), and
 * the agents' API clients as workload profiles ({@link AgentWorkloads}): node agents that read cluster
 * metadata from the Cluster Agent when it runs and from the API server when it is disabled. Like {@code
 * cluster}, it imports {@code backend-inmemory} (an optional dependency).
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.examples.datadog.sim;

import org.jspecify.annotations.NullMarked;
