package dev.converge.inmemory.defaults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;

/**
 * Dispatches an object to its kind's defaulter: what kube-apiserver's scheme defaulting does when it decodes
 * a request body. Kinds without defaults are left alone. Idempotent: defaulting a defaulted object changes
 * nothing, so the server re-runs it after mutating admission as Kubernetes does.
 */
public final class Defaulting {
  private Defaulting() {}

  /**
   * Whether defaulting {@code kind} reads and writes only the object's content (its top-level fields other
   * than {@code metadata} and {@code status}), each default a function of that content alone. Then content
   * that a write of the main resource stored is defaulted already (defaulting is idempotent, and subresource
   * writes change no default's input), so an update that keeps the stored content need not default it again.
   * Not so for Namespaces, whose defaulting labels the metadata, and Services, whose defaulting fills a
   * status that status writes store undefaulted.
   */
  public static boolean contentOnly(GroupKind kind) {
    return !(kind.isCore() && (kind.kind().equals("Namespace") || kind.kind().equals("Service")));
  }

  /** Fills in the defaults of {@code object} (a mutable working copy of a {@code kind} object) in place. */
  public static void apply(GroupKind kind, ObjectNode object) {
    switch (kind.group()) {
      case "" -> core(kind.kind(), object);
      case "apps" -> apps(kind.kind(), object);
      case "batch" -> {
        if (kind.kind().equals("Job")) {
          WorkloadDefaults.job(object);
        } else if (kind.kind().equals("CronJob")) {
          WorkloadDefaults.cronJob(object);
        }
      }
      case "rbac.authorization.k8s.io" -> {
        if (kind.kind().endsWith("Binding")) {
          ApiGroupDefaults.binding(object);
        }
      }
      case "admissionregistration.k8s.io" -> {
        if (kind.kind().equals("MutatingWebhookConfiguration")) {
          ApiGroupDefaults.webhookConfiguration(object, true);
        } else if (kind.kind().equals("ValidatingWebhookConfiguration")) {
          ApiGroupDefaults.webhookConfiguration(object, false);
        } else if (kind.kind().startsWith("ValidatingAdmissionPolicy")) {
          ApiGroupDefaults.admissionPolicy(object, kind.kind().endsWith("Binding"));
        }
      }
      case "discovery.k8s.io" -> {
        if (kind.kind().equals("EndpointSlice")) {
          ApiGroupDefaults.endpointSlice(object);
        }
      }
      case "apiextensions.k8s.io" -> {
        if (kind.kind().equals("CustomResourceDefinition")) {
          ApiGroupDefaults.customResourceDefinition(object);
        }
      }
      case "storage.k8s.io" -> {
        if (kind.kind().equals("CSIDriver")) {
          ApiGroupDefaults.csiDriver(object);
        }
      }
      default -> {
        // custom resources and other groups: no built-in defaults
      }
    }
  }

  private static void core(String kind, ObjectNode object) {
    switch (kind) {
      case "Pod" -> CoreDefaults.pod(object);
      case "Service" -> CoreDefaults.service(object);
      case "Secret" -> CoreDefaults.secret(object);
      case "Namespace" -> CoreDefaults.namespace(object);
      case "Endpoints" -> CoreDefaults.endpoints(object);
      case "ReplicationController" -> {
        ObjectNode spec = dev.converge.inmemory.json.Trees.object(object, "spec");
        dev.converge.inmemory.json.Trees.putIfAbsent(spec, "replicas", 1);
        WorkloadDefaults.template(spec);
      }
      default -> {
        // ConfigMap, ServiceAccount, …: nothing to default
      }
    }
  }

  private static void apps(String kind, ObjectNode object) {
    switch (kind) {
      case "Deployment" -> WorkloadDefaults.deployment(object);
      case "DaemonSet" -> WorkloadDefaults.daemonSet(object);
      case "ReplicaSet" -> WorkloadDefaults.replicaSet(object);
      case "StatefulSet" -> WorkloadDefaults.statefulSet(object);
      default -> {
        // ControllerRevision: nothing to default
      }
    }
  }
}
