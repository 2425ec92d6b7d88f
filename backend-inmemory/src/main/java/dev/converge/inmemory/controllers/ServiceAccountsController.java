package dev.converge.inmemory.controllers;

import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.WriteOptions;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;

/**
 * kube-controller-manager's service account controller ({@code pkg/controller/serviceaccount/serviceaccounts_controller.go}):
 * every active namespace has a ServiceAccount named {@code default}, created when the namespace is added or updated
 * and made again when someone deletes it. Nothing is created in a namespace that is not {@code Active}; a create
 * that finds the account made meanwhile, or the namespace terminating, is not an error.
 */
public final class ServiceAccountsController extends KeyedController<String> implements ChangeListener {
  public static final Identity IDENTITY = Identity.serviceAccount("kube-system", "service-account-controller");
  /** The one account it keeps in every namespace ({@code DefaultServiceAccountsControllerOptions}). */
  public static final String DEFAULT_ACCOUNT = "default";
  private static final GroupKind SERVICE_ACCOUNT = GroupKind.of("", "ServiceAccount");
  private static final WriteOptions WRITES = WriteOptions.manager("kube-controller-manager");

  private final ApiServer server;

  public ServiceAccountsController(ApiServer server) {
    super(IDENTITY);
    this.server = server;
    server.addChangeListener(this);
  }

  @Override
  public String name() {
    return "serviceaccount-controller";
  }

  @Override
  public void onChange(Change change) {
    Resource object = change.object();
    if (object.groupKind().equals(Namespaces.NAMESPACE) && change.type() != Change.Type.DELETED) {
      queue.add(object.name());
    } else if (object.groupKind().equals(SERVICE_ACCOUNT) && change.type() == Change.Type.DELETED
        && object.name().equals(DEFAULT_ACCOUNT)) {
      queue.add(object.namespace());
    }
  }

  @Override
  void sync(String namespace) {
    Resource ns = server.cache().get(Namespaces.NAMESPACE, "", namespace);
    if (ns == null || !ns.status().path("phase").asText("").equals("Active") || ns.isBeingDeleted()
        || server.cache().get(SERVICE_ACCOUNT, namespace, DEFAULT_ACCOUNT) != null) {
      return;
    }
    try {
      server.create(identity(), Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\","
          + "\"metadata\":{\"name\":\"" + DEFAULT_ACCOUNT + "\",\"namespace\":\"" + namespace + "\"}}")), WRITES);
    } catch (BackendException.AlreadyExists taken) {
      // made meanwhile: nothing to do
    } catch (BackendException.Forbidden refused) {
      if (!Namespaces.closed(server, namespace)) {
        throw refused; // not the namespace terminating (NamespaceTerminatingCause): try again
      }
    }
  }
}
