package dev.converge.examples.datadog.model;

import org.jspecify.annotations.Nullable;

/**
 * {@code spec.override.<component>.image}.
 *
 * @param name an image name ({@code agent}), a repository ({@code gcr.io/datadoghq/agent}) or a full reference
 *     with a tag or digest ({@code gcr.io/datadoghq/agent:latest}), which is used as is
 * @param tag the tag to use when {@code name} has none
 */
public record ImageConfig(String name, @Nullable String tag) {}
