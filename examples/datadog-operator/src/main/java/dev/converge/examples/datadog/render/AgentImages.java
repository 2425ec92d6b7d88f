package dev.converge.examples.datadog.render;

import dev.converge.examples.datadog.model.ImageConfig;
import org.jspecify.annotations.Nullable;

/** Image references, resolved the way the Datadog Operator resolves {@code override.*.image}. */
public final class AgentImages {
  /** The agent image name in the registry. */
  public static final String AGENT = "agent";
  /** The Cluster Agent image name in the registry. */
  public static final String CLUSTER_AGENT = "cluster-agent";
  /** The default agent tag (the Datadog Operator's {@code AgentLatestVersion} at the time of writing). */
  public static final String AGENT_VERSION = "7.71.1";
  /** The default Cluster Agent tag. */
  public static final String CLUSTER_AGENT_VERSION = "7.71.1";

  private AgentImages() {}

  /**
   * The image to run: {@code <registry>/<defaultName>:<defaultTag>} without an override; an override name that
   * already carries a tag or digest is used as is; a repository path ({@code gcr.io/datadoghq/agent}) gets the
   * override's tag (or the default); a bare name ({@code agent}) is looked up in {@code registry}.
   */
  public static String resolve(String registry, String defaultName, String defaultTag, @Nullable ImageConfig override) {
    if (override == null) {
      return registry + "/" + defaultName + ":" + defaultTag;
    }
    String name = override.name();
    String tag = override.tag() != null ? override.tag() : defaultTag;
    if (hasTagOrDigest(name)) {
      return name;
    }
    return name.contains("/") ? name + ":" + tag : registry + "/" + name + ":" + tag;
  }

  /** Whether {@code name} ends in {@code :tag} or {@code @digest} (a registry port is not a tag). */
  static boolean hasTagOrDigest(String name) {
    if (name.contains("@")) {
      return true;
    }
    String lastSegment = name.substring(name.lastIndexOf('/') + 1);
    return lastSegment.contains(":");
  }
}
