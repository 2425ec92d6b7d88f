package dev.converge.api;

/** Splits {@code apiVersion} strings: {@code apps/v1} is group {@code apps}, version {@code v1}; {@code v1} is the core group. */
public final class ApiVersions {
  private ApiVersions() {}

  /**
   * {@return the group of {@code apiVersion}, empty for the core group}
   *
   * @param apiVersion {@code group/version}, or {@code version} for the core group
   */
  public static String group(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
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
    return group.isEmpty() ? version : group + "/" + version;
  }
}
