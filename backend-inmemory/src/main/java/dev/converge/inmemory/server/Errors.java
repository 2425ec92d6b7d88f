package dev.converge.inmemory.server;

import com.google.common.collect.ImmutableList;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import java.time.Duration;
import java.util.List;

/**
 * Kubernetes' status errors with their exact messages ({@code k8s.io/apimachinery/pkg/api/errors}): the
 * qualified resource is {@code <plural>.<group>} ({@code deployments.apps}), or the plural alone for the core
 * group.
 */
public final class Errors {
  /** The message of {@code errors.NewConflict} for a stale resourceVersion. */
  public static final String OBJECT_MODIFIED =
      "the object has been modified; please apply your changes to the latest version and try again";

  private Errors() {}

  /** {@code deployments.apps} / {@code configmaps}. */
  public static String qualified(ResourceType type) {
    return type.group().isEmpty() ? type.plural() : type.plural() + "." + type.group();
  }

  public static BackendException.NotFound notFound(ResourceType type, String name) {
    return new BackendException.NotFound(qualified(type) + " \"" + name + "\" not found");
  }

  /** A namespace that does not exist (NamespaceLifecycle admission). */
  public static BackendException.NotFound namespaceNotFound(String namespace) {
    return new BackendException.NotFound("namespaces \"" + namespace + "\" not found");
  }

  /** A kind (or subresource) the server does not serve: the generic 404 of an unknown path. */
  public static BackendException.NotFound notServed() {
    return new BackendException.NotFound("the server could not find the requested resource");
  }

  /**
   * A create whose name is taken, as {@code registry.Store.create} answers it: {@code errors.NewGenerateNameConflict}
   * (the message says the server could not generate a unique name, retry after one second) when the object has a
   * {@code generateName} ({@code rest.CheckGeneratedNameError}), and "object is being deleted: " before the message
   * when the object holding the name has a deletion timestamp.
   */
  public static BackendException.AlreadyExists nameTaken(ResourceType type, String name, boolean generated,
      boolean holderBeingDeleted) {
    String message = qualified(type) + " \"" + name + "\" already exists";
    if (generated) {
      message += ", the server was not able to generate a unique name for the object";
    }
    if (holderBeingDeleted) {
      message = "object is being deleted: " + message;
    }
    return new BackendException.AlreadyExists(message, generated ? Duration.ofSeconds(1) : Duration.ZERO);
  }

  /** {@code Operation cannot be fulfilled on <resource> "<name>": <detail>}. */
  public static BackendException.Conflict conflict(ResourceType type, String name, String detail) {
    return new BackendException.Conflict("Operation cannot be fulfilled on " + qualified(type) + " \"" + name + "\": " + detail);
  }

  public static BackendException.Conflict staleVersion(ResourceType type, String name) {
    return conflict(type, name, OBJECT_MODIFIED);
  }

  /** {@code <resource> "<name>" is forbidden: <reason>} ({@code errors.NewForbidden}). */
  public static BackendException.Forbidden forbidden(ResourceType type, String name, String reason) {
    String subject = name.isEmpty() ? qualified(type) : qualified(type) + " \"" + name + "\"";
    return new BackendException.Forbidden(subject + " is forbidden: " + reason);
  }

  /**
   * An RBAC denial, with Kubernetes' message ({@code responsewriters.forbiddenMessage}): {@code <resource>
   * "<name>" is forbidden: User "<user>" cannot <verb> resource "<resource>" in API group "<group>" in the
   * namespace "<ns>"} (or {@code at the cluster scope}).
   */
  public static BackendException.Forbidden forbidden(RequestInfo info) {
    String where = info.namespace().isEmpty() ? "at the cluster scope" : "in the namespace \"" + info.namespace() + "\"";
    return forbidden(info.type(), info.name(), "User \"" + info.identity().name() + "\" cannot "
        + info.verb().wireName() + " resource \"" + info.resourceWithSubresource() + "\" in API group \""
        + info.group() + "\" " + where);
  }

  /** A denial with the authorizers' reason after it, as {@code responsewriters.Forbidden} appends it. */
  public static BackendException.Forbidden forbidden(RequestInfo info, String reason) {
    return new BackendException.Forbidden(forbidden(info).getMessage() + ": " + reason);
  }

  /**
   * {@code <Kind>.<group> "<name>" is invalid: <causes>} ({@code errors.NewInvalid}): one cause as is, several
   * in brackets, each {@code <field>: <type>: <detail>}.
   */
  public static BackendException.Invalid invalid(ResourceType type, String name, List<String> causes) {
    String kind = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
    String joined = causes.size() == 1 ? causes.get(0) : "[" + String.join(", ", causes) + "]";
    return new BackendException.Invalid(kind + " \"" + name + "\" is invalid: " + joined, ImmutableList.copyOf(causes));
  }

  /** 400 Bad Request. */
  public static BackendException.Invalid badRequest(String message) {
    return new BackendException.Invalid(message, ImmutableList.of(), 400);
  }

  public static BackendException.Gone gone(String message) {
    return new BackendException.Gone(message);
  }

  /** 500 with {@code Internal error occurred: <detail>}. */
  public static BackendException.Unavailable internal(String detail) {
    return new BackendException.Unavailable(500, "Internal error occurred: " + detail, Duration.ZERO);
  }
}
