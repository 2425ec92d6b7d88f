package dev.converge.inmemory.server;

import dev.converge.api.FieldSelector;
import dev.converge.api.ResourceType;
import dev.converge.inmemory.accounting.Scope;
import org.jspecify.annotations.Nullable;

/**
 * What a request is about, as kube-apiserver's {@code RequestInfo} and authorization attributes describe it:
 * identity, verb, resource (group and plural), subresource, namespace and name.
 *
 * @param identity who asks
 * @param verb the verb
 * @param type the kind's type (group, plural, scope)
 * @param subresource {@code status}, {@code finalize}, … or empty
 * @param namespace the namespace, empty for cluster-scoped requests and for lists across namespaces
 * @param name the object's name, empty for creates without one and for lists and watches unless their field
 *     selector requires one {@code metadata.name} ({@code RequestInfoFactory} takes that as the name, so that RBAC's
 *     {@code resourceNames} and the Node authorizer can allow the read of one object)
 * @param fields a list's or watch's field selector (the Node authorizer reads a pod watch's {@code spec.nodeName}),
 *     everything for other verbs
 */
public record RequestInfo(Identity identity, Verb verb, ResourceType type, String subresource, String namespace,
    String name, FieldSelector fields) {

  public RequestInfo(Identity identity, Verb verb, ResourceType type, String subresource, String namespace, String name) {
    this(identity, verb, type, subresource, namespace, name, FieldSelector.everything());
  }

  public String group() {
    return type.group();
  }

  /** The plural resource, as RBAC rules name it. */
  public String resource() {
    return type.plural();
  }

  /** {@code resource/subresource} or {@code resource}. */
  public String resourceWithSubresource() {
    return subresource.isEmpty() ? type.plural() : type.plural() + "/" + subresource;
  }

  /**
   * The SLO scope of the request: one object (named), one namespace, or the whole cluster (Kubernetes' API
   * call latency SLO classes).
   */
  public Scope scope() {
    if (!name.isEmpty()) {
      return Scope.RESOURCE;
    }
    return namespace.isEmpty() ? Scope.CLUSTER : Scope.NAMESPACE;
  }

  /** This request for another verb (authorizing the create of an apply that creates). */
  public RequestInfo withVerb(Verb other) {
    return new RequestInfo(identity, other, type, subresource, namespace, name, fields);
  }

  /**
   * {@return what RBAC is asked about this request} A create of an object is asked about without a name, since the
   * name is in the body, not the URL ({@code RequestInfoFactory} leaves {@code Name} empty for a {@code POST} to a
   * collection): RBAC cannot restrict creates by {@code resourceNames}, as the Kubernetes docs say, and a denial
   * names no object. A create of a subresource ({@code pods/binding}) names its object in the URL.
   */
  RequestInfo authorized() {
    return verb == Verb.CREATE && subresource.isEmpty() && !name.isEmpty()
        ? new RequestInfo(identity, verb, type, subresource, namespace, "", fields) : this;
  }

  static RequestInfo of(
      Identity identity, Verb verb, ResourceType type, @Nullable String subresource, String namespace, String name) {
    return new RequestInfo(identity, verb, type, subresource == null ? "" : subresource, namespace, name);
  }

  /** A LIST or WATCH: named after the one {@code metadata.name} its field selector requires, if it does. */
  static RequestInfo collection(Identity identity, Verb verb, ResourceType type, String namespace, FieldSelector fields) {
    return new RequestInfo(identity, verb, type, "", namespace, fields.requiredValue("metadata.name").orElse(""), fields);
  }
}
