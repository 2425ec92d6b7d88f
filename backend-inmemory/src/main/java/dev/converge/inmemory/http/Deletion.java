package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.DeleteResult;
import dev.converge.inmemory.server.Identity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * DELETE of one object or of a collection, with {@code metav1.DeleteOptions} from the body and from query
 * parameters ({@code propagationPolicy}, {@code gracePeriodSeconds}, the deprecated {@code orphanDependents},
 * {@code preconditions.uid} and {@code preconditions.resourceVersion}).
 *
 * <p>The answer follows {@code handlers/delete.go} and the generic registry: an object that is gone at once is
 * answered with a {@code Success} Status naming it (a pod with its last state, as the pod registry returns
 * deleted objects); an object that stays (finalizers, graceful pod deletion, a terminating namespace) is
 * answered with the object as it now is, {@code deletionTimestamp} set.
 */
final class Deletion {
  private Deletion() {}

  static void one(ApiServer server, HttpExchange exchange, Identity identity, ResourceType type, ApiPath path,
      Query query) throws IOException {
    DeleteParams params = params(Bodies.read(exchange), query);
    DeleteResult result = server.delete(identity, ResourceEndpoints.key(type, path), params);
    Resource object = ResourceEndpoints.inVersion(server, result.object(), type);
    if (!result.deleted() || (type.kind().equals("Pod") && type.group().isEmpty())) {
      Responses.json(exchange, 200, object.json());
    } else {
      Responses.json(exchange, 200, StatusBody.deleted(type.group(), type.plural(), object.name(),
          object.uid() == null ? "" : object.uid()));
    }
  }

  /**
   * {@code deletecollection}: the selected objects are deleted one by one as the caller (so RBAC checks
   * {@code delete} on each rather than {@code deletecollection} once), and the answer lists them.
   */
  static void collection(ApiServer server, HttpExchange exchange, Identity identity, ResourceType type, ApiPath path,
      Query query, ListRequest request) throws IOException {
    DeleteParams params = params(Bodies.read(exchange), query);
    ListResult selected = server.list(identity, type, request.page(0, null));
    List<JsonNode> deleted = new ArrayList<>();
    for (Resource object : selected.items()) {
      try {
        deleted.add(ResourceEndpoints.inVersion(server, server.delete(identity, object.key(), params).object(), type).json());
      } catch (BackendException.NotFound goneMeanwhile) {
        // Deleted by someone else between the list and the delete: nothing left to do.
      }
    }
    Responses.list(exchange, type.kind() + "List", type.apiVersion(), Long.toString(server.revision()), null, deleted);
  }

  static DeleteParams params(@Nullable JsonNode body, Query query) {
    DeleteParams params = DeleteParams.defaults();
    String policy = query.get("propagationPolicy");
    Long grace = query.get("gracePeriodSeconds") == null ? null : query.number("gracePeriodSeconds", 0);
    Boolean orphan = query.get("orphanDependents") == null ? null : query.flag("orphanDependents");
    if (body != null && body.isObject()) {
      ObjectNode options = (ObjectNode) body;
      if (options.hasNonNull("propagationPolicy")) {
        policy = options.get("propagationPolicy").asText();
      }
      if (options.hasNonNull("gracePeriodSeconds")) {
        grace = options.get("gracePeriodSeconds").asLong();
      }
      if (options.hasNonNull("orphanDependents")) {
        orphan = options.get("orphanDependents").asBoolean();
      }
      JsonNode preconditions = options.path("preconditions");
      if (preconditions.hasNonNull("uid")) {
        params = params.withUid(preconditions.get("uid").asText());
      }
      if (preconditions.hasNonNull("resourceVersion")) {
        params = params.withResourceVersion(preconditions.get("resourceVersion").asText());
      }
    }
    Propagation propagation = null;
    if (policy != null && !policy.isEmpty()) {
      propagation = propagation(policy);
    } else if (orphan != null) {
      propagation = orphan ? Propagation.ORPHAN : Propagation.BACKGROUND;
    }
    // dryRun comes as a parameter or in the DeleteOptions body (["All"]).
    boolean dryRun = ResourceEndpoints.dryRun(query.get("dryRun"), "DELETE");
    if (body != null && body.path("dryRun").isArray()) {
      for (JsonNode value : body.path("dryRun")) {
        dryRun |= ResourceEndpoints.dryRun(value.asText(), "DELETE");
      }
    }
    params = new DeleteParams(propagation, params.uid(), params.resourceVersion(), null, dryRun);
    return grace == null ? params : params.withGracePeriod(grace);
  }

  private static Propagation propagation(String policy) {
    switch (policy) {
      case "Orphan":
        return Propagation.ORPHAN;
      case "Background":
        return Propagation.BACKGROUND;
      case "Foreground":
        return Propagation.FOREGROUND;
      default:
        throw new BackendException.Invalid("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported "
            + "value: \"" + policy + "\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"",
            com.google.common.collect.ImmutableList.of("propagationPolicy: Unsupported value: \"" + policy + "\""));
    }
  }
}
