package dev.converge.core.manifest;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.Map;
import java.util.Optional;

/**
 * The explicit dependencies of a manifest: the annotation {@value Ownership#DEPENDS_ON_ANNOTATION}, a
 * comma-separated list of keys in the string form plans print ({@code apps/Deployment/datadog/api,
 * Secret/datadog/token}). Every entry must name a resource of the same set, exactly: a key is never
 * completed with a default namespace, because a dependency on the wrong object would order the plan wrongly
 * without a word.
 */
final class DependsOnAnnotation {
  /** How messages name the annotation. */
  static final String FIELD = "metadata.annotations[" + Ownership.DEPENDS_ON_ANNOTATION + "]";

  private static final Splitter ENTRIES = Splitter.on(',').trimResults();

  private DependsOnAnnotation() {}

  /** The prerequisites {@code resource} names, each checked against {@code known}, the keys of the set. */
  static ImmutableSet<ResourceKey> read(ManifestSource source, Resource resource, Map<ResourceKey, ManifestSource> known) {
    Optional<String> value = resource.annotation(Ownership.DEPENDS_ON_ANNOTATION);
    if (value.isEmpty()) {
      return ImmutableSet.of();
    }
    // Syntax first, for every entry, then meaning: a typo is reported as a typo, not as a missing resource.
    ImmutableSet.Builder<ResourceKey> parsed = ImmutableSet.builder();
    for (String entry : ENTRIES.split(value.get())) {
      if (entry.isEmpty()) {
        throw ManifestException.document(source, FIELD, "empty entry in '" + value.get() + "'");
      }
      try {
        parsed.add(ResourceKey.parse(entry));
      } catch (IllegalArgumentException e) {
        throw ManifestException.document(source, FIELD, e.getMessage(), e);
      }
    }
    ImmutableSet<ResourceKey> keys = parsed.build();
    for (ResourceKey key : keys) {
      if (key.equals(resource.key())) {
        throw ManifestException.document(source, FIELD, key + " depends on itself");
      }
      if (!known.containsKey(key)) {
        throw ManifestException.document(source, FIELD, key + " is not in the manifests" + suggestion(key, known));
      }
    }
    return keys;
  }

  /** A resource of the same kind and name elsewhere (another namespace or group): likely what was meant. */
  private static String suggestion(ResourceKey wanted, Map<ResourceKey, ManifestSource> known) {
    return known.keySet().stream()
        .filter(key -> key.kind().equals(wanted.kind()) && key.name().equals(wanted.name()))
        .sorted()
        .findFirst()
        .map(key -> " (did you mean " + key + "?)")
        .orElse("");
  }
}
