package dev.converge.api;

/** Splits {@code apiVersion} strings: {@code apps/v1} is group {@code apps}, version {@code v1}; {@code v1} is the core group. */
public final class ApiVersions {
  private ApiVersions() {}

  public static String group(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  public static String version(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
  }

  public static String of(String group, String version) {
    return group.isEmpty() ? version : group + "/" + version;
  }
}
