package dev.converge.core.cache;

import org.jspecify.annotations.Nullable;

/**
 * Orders resourceVersions. Kubernetes calls them opaque, but every server this engine talks to (etcd revisions
 * behind kube-apiserver, the in-memory cluster, the fabric8 mock) uses decimal counters, and an informer cache
 * that takes in the client's own writes must know which of two states is newer. When either version is not a
 * decimal number only equality is trusted ({@link Order#UNKNOWN} otherwise), and callers let the latest
 * arrival win.
 */
final class ResourceVersions {
  /** How a version relates to another. */
  enum Order {
    OLDER,
    SAME,
    NEWER,
    UNKNOWN
  }

  private ResourceVersions() {}

  /** How {@code version} relates to {@code other}. */
  static Order compare(@Nullable String version, @Nullable String other) {
    if (version == null || other == null) {
      return Order.UNKNOWN;
    }
    if (version.equals(other)) {
      return Order.SAME;
    }
    long a = parse(version);
    long b = parse(other);
    if (a < 0 || b < 0) {
      return Order.UNKNOWN;
    }
    return a < b ? Order.OLDER : a > b ? Order.NEWER : Order.SAME;
  }

  /** The version as a non-negative number, or -1 if it is not a plain decimal that fits in a long. */
  private static long parse(String version) {
    if (version.isEmpty() || version.length() > 18) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < version.length(); i++) {
      char c = version.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
