package dev.converge.inmemory.controllers;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.ApiServer;

/** What the controllers that fill namespaces ask about one. */
final class Namespaces {
  static final GroupKind NAMESPACE = GroupKind.of("", "Namespace");

  private Namespaces() {}

  /** Whether {@code name} is gone or terminating, so that nothing new can be made in it. */
  static boolean closed(ApiServer server, String name) {
    Resource namespace = server.cache().get(NAMESPACE, "", name);
    return namespace == null || namespace.isBeingDeleted();
  }
}
