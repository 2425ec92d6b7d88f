package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.controllers.RootCaPublisher;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.SelfSignedCertificate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * kube-controller-manager's service account controller and root CA publisher: every active namespace holds a
 * {@code default} ServiceAccount and a {@code kube-root-ca.crt} ConfigMap, both made again when deleted, the
 * ConfigMap's data and description put back when changed; nothing is made in a terminating namespace.
 */
class DefaultAccountAndRootCaTest {
  private static final GroupKind SERVICE_ACCOUNT = GroupKind.of("", "ServiceAccount");
  private static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 71);
  private final ApiServer server = cluster.server();

  @Test
  void everyNamespace_getsItsDefaultAccount_andTheRootCa_fromTheControllers() {
    for (String namespace : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      assertThat(server.cache().get(SERVICE_ACCOUNT, namespace, "default")).as(namespace).isNotNull();
      assertThat(server.cache().get(CONFIG_MAP, namespace, RootCaPublisher.NAME)).as(namespace).isNotNull();
    }
    server.create(ADMIN, Fixtures.namespace("team"));
    Resource account = Fixtures.get(server, ResourceKey.namespaced("", "ServiceAccount", "team", "default"));
    // Nothing but its name: no token Secret (since 1.24), and no field for a manager to own.
    assertThat(account.json().has("secrets")).isFalse();
    assertThat(account.metadata().has("managedFields")).isFalse();
    Resource rootCa = Fixtures.get(server, Fixtures.cm("team", "kube-root-ca.crt"));
    assertThat(rootCa.metadata().at("/managedFields/0/manager").asText()).isEqualTo("kube-controller-manager");
    assertThat(rootCa.annotations()).containsExactly(Map.entry("kubernetes.io/description",
        "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the"
            + " internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of"
            + " Kubernetes clusters."));
    assertThat(rootCa.json().path("data").path("ca.crt").asText()).isEqualTo(SelfSignedCertificate.inMemoryClusterCa());
    assertThat(cluster.requests().records()).extracting(r -> r.identity() + " " + r.verb() + " " + r.resource())
        .containsExactly("system:admin create namespaces",
            "system:serviceaccount:kube-system:service-account-controller create serviceaccounts",
            "system:serviceaccount:kube-system:root-ca-cert-publisher create configmaps",
            "system:admin get serviceaccounts", "system:admin get configmaps");
  }

  @Test
  void theRootCa_isARealCaCertificate_theSameInEveryCluster() throws Exception {
    X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(SelfSignedCertificate.inMemoryClusterCa().getBytes(StandardCharsets.US_ASCII)));
    assertThat(certificate.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
    certificate.verify(certificate.getPublicKey());
    InMemoryCluster other = InMemoryCluster.create(new TestTicker(), 72);
    assertThat(Fixtures.get(other.server(), Fixtures.cm("default", "kube-root-ca.crt")).json().at("/data/ca.crt"))
        .isEqualTo(Fixtures.get(server, Fixtures.cm("default", "kube-root-ca.crt")).json().at("/data/ca.crt"));
  }

  @Test
  void deletedOrChanged_theyArePutBack_andOtherMetadataIsKept() {
    server.delete(ADMIN, ResourceKey.namespaced("", "ServiceAccount", "default", "default"), DeleteParams.defaults());
    assertThat(server.cache().get(SERVICE_ACCOUNT, "default", "default")).isNotNull();

    Resource rootCa = Fixtures.get(server, Fixtures.cm("default", "kube-root-ca.crt"));
    server.update(ADMIN, rootCa.edit(t -> {
      t.with("data").put("ca.crt", "tampered").put("extra", "x");
      t.with("metadata").with("labels").put("team", "a");
      t.with("metadata").with("annotations").remove("kubernetes.io/description");
      t.with("metadata").with("annotations").put("note", "kept");
    }));
    Resource restored = Fixtures.get(server, Fixtures.cm("default", "kube-root-ca.crt"));
    assertThat(restored.json().path("data").fieldNames()).toIterable().containsExactly("ca.crt");
    assertThat(restored.json().at("/data/ca.crt").asText()).isEqualTo(SelfSignedCertificate.inMemoryClusterCa());
    assertThat(restored.labels()).containsEntry("team", "a");
    assertThat(restored.annotations()).containsKeys("note", "kubernetes.io/description");

    server.delete(ADMIN, restored.key(), DeleteParams.defaults());
    assertThat(Fixtures.get(server, Fixtures.cm("default", "kube-root-ca.crt")).uid()).isNotEqualTo(restored.uid());
  }

  @Test
  void aTerminatingNamespace_getsNothingNew_andStillGoes() {
    server.create(ADMIN, Fixtures.namespace("team"));
    cluster.requests().clear();
    server.delete(ADMIN, ResourceKey.cluster("", "Namespace", "team"), DeleteParams.of(Propagation.BACKGROUND));
    assertThat(server.cache().get(GroupKind.of("", "Namespace"), "", "team")).isNull();
    // The namespace controller deletes both; the publisher then tries once to make its ConfigMap again and is refused
    // (here the namespace is gone by then: 404; a terminating one refuses with 403); the account is not made again.
    assertThat(cluster.requests().records()).filteredOn(r -> !r.identity().equals("system:admin"))
        .extracting(RequestRecord::identity, RequestRecord::verb, RequestRecord::resource, RequestRecord::code)
        .containsExactly(
            Tuple.tuple("system:serviceaccount:kube-system:namespace-controller", "delete", "serviceaccounts", 200),
            Tuple.tuple("system:serviceaccount:kube-system:namespace-controller", "delete", "configmaps", 200),
            Tuple.tuple("system:serviceaccount:kube-system:namespace-controller", "update", "namespaces", 200),
            Tuple.tuple("system:serviceaccount:kube-system:root-ca-cert-publisher", "create", "configmaps", 404));
  }
}
