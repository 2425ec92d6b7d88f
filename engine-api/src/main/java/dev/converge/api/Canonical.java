package dev.converge.api;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance per kind and namespace string: a cluster has a few dozen kinds and at most some thousands
 * of namespaces, and every object names one of each. Keys built from shared strings compare and hash on
 * identity and cached hashes instead of reading the characters of two copies. Bounded: past {@link #MAX}
 * distinct strings, new ones are used as they are.
 */
final class Canonical {
  private static final int MAX = 8192;
  private static final ConcurrentHashMap<String, String> STRINGS = new ConcurrentHashMap<>();

  private Canonical() {}

  /** {@return the shared instance equal to {@code text}, or {@code text} itself} */
  static String of(String text) {
    String shared = STRINGS.get(text);
    if (shared != null) {
      return shared;
    }
    if (STRINGS.size() >= MAX) {
      return text;
    }
    shared = STRINGS.putIfAbsent(text, text);
    return shared == null ? text : shared;
  }
}
