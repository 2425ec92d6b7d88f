package dev.converge.inmemory.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * RBAC's privilege-escalation prevention ({@code pkg/registry/rbac/role/policybased},
 * {@code clusterrole/policybased}, {@code rolebinding/policybased}, {@code clusterrolebinding/policybased}
 * and {@code pkg/registry/rbac/validation.ConfirmNoEscalation}): a caller may only create or update a Role
 * or ClusterRole whose rules it already holds (in that namespace), unless it is in {@code system:masters} or
 * has the {@code escalate} verb on the role; and may only bind a role whose rules it holds, unless it has the
 * {@code bind} verb on that role.
 */
public final class EscalationCheck {
  private final RbacAuthorizer authorizer;
  private final ObjectStore store;

  public EscalationCheck(RbacAuthorizer authorizer, ObjectStore store) {
    this.authorizer = authorizer;
    this.store = store;
  }

  /**
   * Why {@code who} may not write {@code object} (an RBAC role or binding), or empty when it may.
   *
   * @param old the stored object for an update, null for a create
   */
  public Optional<String> check(Identity who, Resource object, @Nullable Resource old) {
    if (!object.group().equals(RbacAuthorizer.GROUP) || who.isMaster()) {
      return Optional.empty();
    }
    String kind = object.kind();
    String namespace = object.namespace();
    if (kind.equals("Role") || kind.equals("ClusterRole")) {
      String resource = kind.equals("Role") ? "roles" : "clusterroles";
      if (authorizer.authorize(who, "escalate", RbacAuthorizer.GROUP, resource, "", namespace, object.name())) {
        return Optional.empty();
      }
      // An update that leaves the rules alone (labels, owner references) needs no escalation check.
      if (old != null && old.json().path("rules").equals(object.json().path("rules"))) {
        return Optional.empty();
      }
      return confirmNoEscalation(who, namespace, PolicyRule.allOf(object.json()));
    }
    if (kind.equals("RoleBinding") || kind.equals("ClusterRoleBinding")) {
      JsonNode roleRef = object.json().path("roleRef");
      if (old != null && old.json().path("subjects").equals(object.json().path("subjects"))
          && old.json().path("roleRef").equals(roleRef)) {
        return Optional.empty();
      }
      String refResource = roleRef.path("kind").asText().equals("Role") ? "roles" : "clusterroles";
      // BindingAuthorized: the bind verb on the referenced role, in the binding's namespace.
      if (authorizer.authorize(who, "bind", RbacAuthorizer.GROUP, refResource, "", namespace, roleRef.path("name").asText())) {
        return Optional.empty();
      }
      return confirmNoEscalation(who, namespace, authorizer.roleReferenceRules(roleRef, namespace));
    }
    return Optional.empty();
  }

  /** Whether the role a binding refers to exists (a binding to a missing role fails with 404 unless bind is allowed). */
  public boolean roleExists(JsonNode roleRef, String bindingNamespace) {
    String name = roleRef.path("name").asText();
    return switch (roleRef.path("kind").asText()) {
      case "Role" -> store.get(GroupKind.of(RbacAuthorizer.GROUP, "Role"), bindingNamespace, name) != null;
      case "ClusterRole" -> store.get(GroupKind.of(RbacAuthorizer.GROUP, "ClusterRole"), "", name) != null;
      default -> false;
    };
  }

  /**
   * {@code ConfirmNoEscalation}: the caller's rules in {@code namespace} must cover every rule granted; the
   * message lists the missing rules compacted, sorted, one per line, exactly as Kubernetes does.
   */
  Optional<String> confirmNoEscalation(Identity who, String namespace, ImmutableList<PolicyRule> granted) {
    ImmutableList<PolicyRule> owned = authorizer.rulesFor(who, namespace);
    List<PolicyRule> missing = new ArrayList<>();
    for (PolicyRule rule : granted) {
      for (PolicyRule sub : rule.breakdown()) {
        if (owned.stream().noneMatch(owner -> owner.covers(sub))) {
          missing.add(sub);
        }
      }
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    TreeSet<String> descriptions = new TreeSet<>();
    for (PolicyRule rule : PolicyRule.compact(missing)) {
      descriptions.add(rule.compactString());
    }
    return Optional.of("user \"" + who.name() + "\" (groups=" + PolicyRule.quoted(who.groups())
        + ") is attempting to grant RBAC permissions not currently held:\n" + String.join("\n", descriptions));
  }
}
