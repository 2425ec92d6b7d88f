package dev.converge.guides.website;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.api.Resource;

/**
 * What the operator may do, as the objects an install applies (the same ones a Helm chart would ship): its
 * ServiceAccount, a ClusterRole with exactly the verbs the engine uses, and the binding. Running the operator
 * as this account against the in-memory cluster, which authorizes every request by RBAC, proves the role is
 * enough before a real cluster does.
 */
public final class WebsiteRbac {
  /** The name of the ServiceAccount, ClusterRole and ClusterRoleBinding. */
  public static final String NAME = "website-operator";

  private WebsiteRbac() {}

  /**
   * {@return the ServiceAccount {@value #NAME} in {@code namespace}, its ClusterRole and its binding}
   *
   * @param namespace where the operator runs
   */
  public static ImmutableList<Resource> install(String namespace) {
    // guide: begin rbac
    ObjectNode role = object("rbac.authorization.k8s.io/v1", "ClusterRole", "", NAME);
    ArrayNode rules = role.putArray("rules");
    rule(rules, "guides.converge.dev", "websites", "get", "list", "watch", "update"); // update: the finalizer
    rule(rules, "guides.converge.dev", "websites/status", "update");
    rule(rules, "", "serviceaccounts,configmaps,services", "get", "list", "watch", "create", "patch", "delete");
    rule(rules, "apps", "deployments", "get", "list", "watch", "create", "patch", "delete");
    rule(rules, "apiextensions.k8s.io", "customresourcedefinitions", "get", "create", "patch"); // installCrd
    // guide: end rbac
    ObjectNode binding = object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", NAME);
    binding.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "ClusterRole").put("name", NAME);
    binding.putArray("subjects").addObject().put("kind", "ServiceAccount").put("name", NAME).put("namespace", namespace);
    return ImmutableList.of(
        Resource.of(object("v1", "ServiceAccount", namespace, NAME)), Resource.of(role), Resource.of(binding));
  }

  private static ObjectNode object(String apiVersion, String kind, String namespace, String name) {
    ObjectNode tree = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode metadata = tree.putObject("metadata").put("name", name);
    if (!namespace.isEmpty()) {
      metadata.put("namespace", namespace);
    }
    return tree;
  }

  private static void rule(ArrayNode rules, String group, String resources, String... verbs) {
    ObjectNode rule = rules.addObject();
    rule.putArray("apiGroups").add(group);
    ArrayNode names = rule.putArray("resources");
    for (String resource : resources.split(",")) {
      names.add(resource);
    }
    ArrayNode allowed = rule.putArray("verbs");
    for (String verb : verbs) {
      allowed.add(verb);
    }
  }
}
