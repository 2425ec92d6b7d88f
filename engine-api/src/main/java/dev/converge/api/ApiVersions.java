package dev.converge.api;

/** Splits {@code apiVersion} strings: {@code apps/v1} is group {@code apps}, version {@code v1}; {@code v1} is the core group. */
public final class ApiVersions {
  /**
   * Groups by {@code apiVersion}: a cluster has a few dozen, and every {@code Resource.of} asks. The same group
   * string for every object of a group also keeps its hash computed once instead of once per object.
   */
  private static final java.util.concurrent.ConcurrentHashMap<String, String> GROUPS =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** {@code group/version} by group, then version: {@code ResourceType.apiVersion()} asks once per write. */
  private static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.ConcurrentHashMap<String, String>>
      JOINED = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_CACHED = 4096;

  private ApiVersions() {}

  /**
   * {@return the group of {@code apiVersion}, empty for the core group}
   *
   * @param apiVersion {@code group/version}, or {@code version} for the core group
   */
  public static String group(String apiVersion) {
    String cached = GROUPS.get(apiVersion);
    if (cached != null) {
      return cached;
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    if (GROUPS.size() < MAX_CACHED) {
      GROUPS.put(apiVersion, group);
    }
    return group;
  }

  /**
   * {@return the version of {@code apiVersion}}
   *
   * @param apiVersion {@code group/version}, or {@code version} for the core group
   */
  public static String version(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
  }

  /**
   * {@return the {@code apiVersion} of a group and version: {@code group/version}, or {@code version} alone
   * for the core group}
   *
   * @param group the group, empty for the core group
   * @param version the version
   */
  public static String of(String group, String version) {
    if (group.isEmpty()) {
      return version;
    }
    java.util.concurrent.ConcurrentHashMap<String, String> ofGroup = JOINED.get(group);
    String joined = ofGroup == null ? null : ofGroup.get(version);
    if (joined != null) {
      return joined;
    }
    joined = group + "/" + version;
    if (JOINED.size() < MAX_CACHED) {
      JOINED.computeIfAbsent(group, g -> new java.util.concurrent.ConcurrentHashMap<>()).putIfAbsent(version, joined);
    }
    return joined;
  }
}
