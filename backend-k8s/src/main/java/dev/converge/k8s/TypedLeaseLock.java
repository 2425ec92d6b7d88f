package dev.converge.k8s;

import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Date;
import org.jspecify.annotations.Nullable;

/**
 * client-java-extended's {@link LeaseLock}, except that the Lease it creates names its {@code apiVersion}
 * and {@code kind}. The stock lock sends a bare body, which the Kubernetes API server accepts (the URL says
 * what it is) but servers that read the type from the body — the fabric8 mock server — reject with 422.
 * Reads and updates are the stock lock's.
 */
final class TypedLeaseLock extends LeaseLock {
  private final String namespace;
  private final String name;
  private final CoordinationV1Api api;

  TypedLeaseLock(String namespace, String name, String identity, ApiClient client) {
    super(namespace, name, identity, client);
    this.namespace = namespace;
    this.name = name;
    this.api = new CoordinationV1Api(client);
  }

  @Override
  public boolean create(LeaderElectionRecord record) {
    V1ObjectMeta metadata = new V1ObjectMeta().name(name).namespace(namespace);
    if (record.getOwnerReference() != null) {
      metadata.setOwnerReferences(Collections.singletonList(record.getOwnerReference()));
    }
    V1Lease lease = new V1Lease().apiVersion("coordination.k8s.io/v1").kind("Lease").metadata(metadata).spec(spec(record));
    try {
      api.createNamespacedLease(namespace, lease).execute();
    } catch (ApiException e) {
      return false; // 409: another candidate created it first; the elector reads it on its next try
    }
    try {
      super.get(); // the stock lock updates the Lease it last read: read the one just created
    } catch (ApiException e) {
      // The elector reads the lock again before its next update.
    }
    return true;
  }

  private static V1LeaseSpec spec(LeaderElectionRecord record) {
    return new V1LeaseSpec()
        .holderIdentity(record.getHolderIdentity())
        .leaseDurationSeconds(record.getLeaseDurationSeconds())
        .leaseTransitions(record.getLeaderTransitions())
        .acquireTime(time(record.getAcquireTime()))
        .renewTime(time(record.getRenewTime()));
  }

  private static @Nullable OffsetDateTime time(@Nullable Date date) {
    return date == null ? null : OffsetDateTime.ofInstant(Instant.ofEpochMilli(date.getTime()), ZoneOffset.UTC);
  }
}
