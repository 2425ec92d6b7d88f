package dev.converge.inmemory.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import dev.converge.inmemory.store.ObjectStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The RBAC authorizer ({@code plugin/pkg/auth/authorizer/rbac}): a request is allowed when a rule of a
 * ClusterRole bound cluster-wide, or of a Role/ClusterRole bound in the request's namespace, allows it.
 * Members of {@code system:masters} are allowed everything (kube-apiserver's privileged-group authorizer runs
 * before RBAC).
 *
 * <p>Decisions and each identity's rules are cached and the caches dropped whenever an RBAC object changes,
 * so a steady stream of requests costs a hash lookup each. A role's rules are parsed once, and identities bound
 * to the same roles (ten thousand kubelets in {@code system:nodes}) share one list of rules.
 */
public final class RbacAuthorizer implements ChangeListener {
  static final String GROUP = "rbac.authorization.k8s.io";
  private static final GroupKind ROLE = GroupKind.of(GROUP, "Role");
  private static final GroupKind CLUSTER_ROLE = GroupKind.of(GROUP, "ClusterRole");
  private static final GroupKind ROLE_BINDING = GroupKind.of(GROUP, "RoleBinding");
  private static final GroupKind CLUSTER_ROLE_BINDING = GroupKind.of(GROUP, "ClusterRoleBinding");
  private static final int MAX_CACHED_DECISIONS = 200_000;

  private final ObjectStore store;
  /** Each identity's decisions; an identity instance also carries its own as an {@link Identity#attachment}. */
  private final Map<Identity, Decisions> decisions = new HashMap<>();
  private final Map<RulesKey, ImmutableList<PolicyRule>> rules = new HashMap<>();
  /** Each Role's or ClusterRole's parsed rules, by the stored object. */
  private final Map<Resource, ImmutableList<PolicyRule>> roleRules = new IdentityHashMap<>();
  /** The rules of each combination of roles that applies to some identity, by the roles' rule lists. */
  private final Map<RoleSet, ImmutableList<PolicyRule>> combined = new HashMap<>();
  /** Bumped whenever an RBAC object changes (and when too many decisions are cached): older decisions are void. */
  private long generation;
  /** Decisions cached in the current generation, over all identities. */
  private int cached;

  /** What is asked of one identity: the request's attributes but the identity. */
  private record Question(String verb, String group, String resource, String subresource, String namespace,
      String name) {}

  /**
   * One identity's cached decisions, valid while their generation is the authorizer's; the last few questions
   * are also kept in arrays, compared field by field (a client asks a handful of questions over and over).
   */
  private static final class Decisions {
    static final int RECENT = 4;
    long generation;
    // The last question, by its fields, and its answer: a client that repeats one request (a kubelet its Lease
    // update) is answered from the cache line of this object's header, comparing references that are usually
    // the very strings asked before.
    @Nullable String lastVerb;
    @Nullable String lastGroup;
    @Nullable String lastResource;
    @Nullable String lastSubresource;
    @Nullable String lastNamespace;
    @Nullable String lastName;
    boolean lastAnswer;
    final Map<Question, Boolean> answers = new HashMap<>();
    /** Each recent question's hash: only the question that may match is read (see {@link #recentHash}). */
    final int[] recentHashes = new int[RECENT];
    final Question[] recent = new Question[RECENT];
    final boolean[] recentAnswers = new boolean[RECENT];
    int next;

    Decisions(long generation) {
      this.generation = generation;
    }

    void reset(long current) {
      answers.clear();
      lastVerb = null;
      java.util.Arrays.fill(recent, null);
      generation = current;
    }

    boolean last(String verb, String group, String resource, String subresource, String namespace, String name,
        boolean answer) {
      lastVerb = verb;
      lastGroup = group;
      lastResource = resource;
      lastSubresource = subresource;
      lastNamespace = namespace;
      lastName = name;
      lastAnswer = answer;
      return answer;
    }

    boolean isLast(String verb, String group, String resource, String subresource, String namespace, String name) {
      return lastVerb != null && Objects.equals(lastName, name) && Objects.equals(lastVerb, verb)
          && Objects.equals(lastResource, resource) && Objects.equals(lastNamespace, namespace)
          && Objects.equals(lastSubresource, subresource) && Objects.equals(lastGroup, group);
    }

    void remember(Question question, boolean answer) {
      recentHashes[next] = recentHash(question.verb(), question.group(), question.resource(), question.subresource(),
          question.namespace(), question.name());
      recent[next] = question;
      recentAnswers[next] = answer;
      next = (next + 1) % RECENT;
    }
  }

  private record RulesKey(Identity identity, String namespace) {}

  /** The rule lists of the roles bound to an identity, in binding order, compared by reference. */
  private static final class RoleSet {
    private final List<ImmutableList<PolicyRule>> parts;
    private final int hash;

    RoleSet(List<ImmutableList<PolicyRule>> parts) {
      this.parts = parts;
      int h = 1;
      for (ImmutableList<PolicyRule> part : parts) {
        h = 31 * h + System.identityHashCode(part);
      }
      this.hash = h;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (!(o instanceof RoleSet other) || other.parts.size() != parts.size()) {
        return false;
      }
      for (int i = 0; i < parts.size(); i++) {
        if (other.parts.get(i) != parts.get(i)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * The hash a recent question is filed under. An identity's decisions are cold by the time it asks again (a
   * kubelet asks every ten seconds, after ten thousand others), and comparing field by field every recent
   * question before the one that matches read each of them from memory; with the hashes beside them in one
   * array, only the question that may match is read.
   */
  private static int recentHash(String verb, String group, String resource, String subresource, String namespace,
      String name) {
    return ((((verb.hashCode() * 31 + group.hashCode()) * 31 + resource.hashCode()) * 31 + subresource.hashCode()) * 31
        + namespace.hashCode()) * 31 + name.hashCode();
  }

  public RbacAuthorizer(ObjectStore store) {
    this.store = store;
  }

  @Override
  public void onChange(Change change) {
    if (change.object().group().equals(GROUP)) {
      invalidate();
    }
  }

  private void invalidate() {
    generation++;
    cached = 0;
    rules.clear();
    roleRules.clear();
    combined.clear();
  }

  /** Whether {@code identity} may {@code verb} the resource; {@code namespace} empty for cluster scope. */
  public boolean authorize(Identity identity, String verb, String group, String resource, String subresource,
      String namespace, String name) {
    if (identity.isMaster()) {
      return true;
    }
    Decisions mine = identity.attachment(this, i -> decisions.computeIfAbsent(i, k -> new Decisions(generation)));
    if (mine.generation != generation) {
      mine.reset(generation);
    }
    if (mine.isLast(verb, group, resource, subresource, namespace, name)) {
      return mine.lastAnswer;
    }
    int hash = recentHash(verb, group, resource, subresource, namespace, name);
    for (int i = 0; i < Decisions.RECENT; i++) {
      if (mine.recentHashes[i] != hash) {
        continue;
      }
      Question q = mine.recent[i];
      if (q != null && q.name().equals(name) && q.verb().equals(verb) && q.resource().equals(resource)
          && q.namespace().equals(namespace) && q.subresource().equals(subresource) && q.group().equals(group)) {
        return mine.last(verb, group, resource, subresource, namespace, name, mine.recentAnswers[i]);
      }
    }
    Question question = new Question(verb, group, resource, subresource, namespace, name);
    Boolean known = mine.answers.get(question);
    if (known != null) {
      mine.remember(question, known);
      return mine.last(verb, group, resource, subresource, namespace, name, known);
    }
    boolean allowed = false;
    for (PolicyRule rule : rulesFor(identity, namespace)) {
      if (rule.allows(verb, group, resource, subresource, name)) {
        allowed = true;
        break;
      }
    }
    if (cached >= MAX_CACHED_DECISIONS) {
      generation++;
      cached = 0;
      mine.reset(generation);
    }
    mine.answers.put(question, allowed);
    mine.remember(question, allowed);
    cached++;
    return mine.last(verb, group, resource, subresource, namespace, name, allowed);
  }

  /**
   * The rules that apply to {@code identity} in {@code namespace} (cluster-wide bindings, plus the
   * namespace's bindings when {@code namespace} is not empty): {@code DefaultRuleResolver.RulesFor}.
   * Bindings to missing roles contribute nothing.
   */
  public ImmutableList<PolicyRule> rulesFor(Identity identity, String namespace) {
    RulesKey key = new RulesKey(identity, namespace);
    ImmutableList<PolicyRule> cached = rules.get(key);
    if (cached != null) {
      return cached;
    }
    List<ImmutableList<PolicyRule>> parts = new ArrayList<>();
    for (Resource binding : store.objects(CLUSTER_ROLE_BINDING).values()) {
      if (appliesTo(identity, binding.json().path("subjects"), "")) {
        parts.add(roleReferenceRules(binding.json().path("roleRef"), ""));
      }
    }
    if (!namespace.isEmpty()) {
      for (Resource binding : store.table(ROLE_BINDING).inNamespace(namespace).values()) {
        if (appliesTo(identity, binding.json().path("subjects"), namespace)) {
          parts.add(roleReferenceRules(binding.json().path("roleRef"), namespace));
        }
      }
    }
    ImmutableList<PolicyRule> result = combined.computeIfAbsent(new RoleSet(parts), set -> {
      ImmutableList.Builder<PolicyRule> all = ImmutableList.builder();
      set.parts.forEach(all::addAll);
      return all.build();
    });
    rules.put(key, result);
    return result;
  }

  /** The rules of the Role or ClusterRole a binding refers to, empty when it does not exist. */
  ImmutableList<PolicyRule> roleReferenceRules(JsonNode roleRef, String bindingNamespace) {
    String kind = roleRef.path("kind").asText();
    String name = roleRef.path("name").asText();
    Resource role = switch (kind) {
      case "Role" -> bindingNamespace.isEmpty() ? null : store.get(ROLE, bindingNamespace, name);
      case "ClusterRole" -> store.get(CLUSTER_ROLE, "", name);
      default -> null;
    };
    return role == null ? ImmutableList.of() : roleRules.computeIfAbsent(role, r -> PolicyRule.allOf(r.json()));
  }

  /** {@code appliesToUser}: users by name, groups by membership, service accounts by namespace and name. */
  static boolean appliesTo(Identity identity, JsonNode subjects, String bindingNamespace) {
    for (JsonNode subject : subjects) {
      String name = subject.path("name").asText();
      switch (subject.path("kind").asText()) {
        case "User" -> {
          if (identity.name().equals(name)) {
            return true;
          }
        }
        case "Group" -> {
          if (identity.groups().contains(name)) {
            return true;
          }
        }
        case "ServiceAccount" -> {
          String namespace = subject.path("namespace").asText("");
          if (namespace.isEmpty()) {
            namespace = bindingNamespace;
          }
          if (!namespace.isEmpty() && identity.isServiceAccount(namespace, name)) {
            return true;
          }
        }
        default -> {
          // unknown subject kinds never apply
        }
      }
    }
    return false;
  }
}
