package dev.converge.examples.datadog.model;

import com.google.common.collect.ImmutableList;
import org.jspecify.annotations.Nullable;

/**
 * {@code spec.global}, defaults applied.
 *
 * @param site the Datadog intake site (default {@code datadoghq.com})
 * @param clusterName the cluster name reported by every agent, if set
 * @param tags global tags ({@code env:prod}) added to everything the agents report
 * @param registry the image registry (default {@code registry.datadoghq.com})
 * @param logLevel the agents' log level (default {@code info})
 * @param credentials the API and application keys
 */
public record GlobalConfig(
    String site,
    @Nullable String clusterName,
    ImmutableList<String> tags,
    String registry,
    String logLevel,
    Credentials credentials) {}
