package dev.converge.inmemory.admission;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.Identity;
import org.jspecify.annotations.Nullable;

/**
 * What an admission plugin sees ({@code admission.Attributes}, and a webhook's {@code AdmissionReview}).
 *
 * @param operation create, update or delete
 * @param kind the object's group and kind
 * @param resource the plural resource
 * @param subresource {@code status}, … or empty
 * @param namespace the namespace, empty for cluster-scoped objects
 * @param name the object's name
 * @param identity who makes the request
 * @param object the object to be stored (defaulted, and as changed by earlier mutating plugins); null for delete
 * @param oldObject the stored object for update and delete; null for create
 * @param dryRun whether the request is a dry run ({@code dryRun=All}): admission runs, nothing is stored
 */
public record AdmissionRequest(
    Operation operation,
    GroupKind kind,
    String resource,
    String subresource,
    String namespace,
    String name,
    Identity identity,
    @Nullable Resource object,
    @Nullable Resource oldObject,
    boolean dryRun) {

  /** A request that is not a dry run. */
  public AdmissionRequest(Operation operation, GroupKind kind, String resource, String subresource, String namespace,
      String name, Identity identity, @Nullable Resource object, @Nullable Resource oldObject) {
    this(operation, kind, resource, subresource, namespace, name, identity, object, oldObject, false);
  }

  /** This request with {@code replacement} as the object (the chain passes each plugin's result on). */
  public AdmissionRequest withObject(Resource replacement) {
    return new AdmissionRequest(operation, kind, resource, subresource, namespace, name, identity, replacement, oldObject, dryRun);
  }
}
