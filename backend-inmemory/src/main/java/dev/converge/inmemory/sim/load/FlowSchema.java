package dev.converge.inmemory.sim.load;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.RequestInfo;
import java.util.List;

/**
 * A flow schema of API priority and fairness ({@code FlowSchema}): which requests it takes (subjects and
 * resource rules, matched as {@code k8s.io/apiserver/pkg/util/flowcontrol} does), the priority level it sends
 * them to, and how it splits them into flows (by user, by namespace, or one flow). Schemas are tried in
 * order of {@code precedence}, then name; the first that matches wins.
 *
 * @param name the schema's name
 * @param level the priority level's name
 * @param precedence {@code matchingPrecedence}: lower is tried first
 * @param distinguisher how requests are split into flows
 * @param subjects who the schema applies to
 * @param rules what requests of those subjects it applies to
 */
public record FlowSchema(String name, String level, int precedence, Distinguisher distinguisher,
    ImmutableList<Subject> subjects, ImmutableList<Rule> rules) {
  /** Matches any verb, group, resource or namespace. */
  public static final String ALL = "*";

  /** {@code distinguisherMethod}: what tells one flow from another within the schema. */
  public enum Distinguisher {
    /** Every request of the schema is one flow. */
    NONE,
    /** One flow per user name ({@code ByUser}). */
    BY_USER,
    /** One flow per namespace of the request ({@code ByNamespace}); cluster-wide requests share one. */
    BY_NAMESPACE
  }

  public FlowSchema {
    checkArgument(!subjects.isEmpty(), "flow schema %s needs a subject", name);
    checkArgument(!rules.isEmpty(), "flow schema %s needs a rule", name);
  }

  /** Whether the request's identity is a subject and a rule matches the request. */
  public boolean matches(RequestInfo request) {
    boolean subject = false;
    for (Subject s : subjects) {
      if (s.matches(request.identity())) {
        subject = true;
        break;
      }
    }
    if (!subject) {
      return false;
    }
    for (Rule rule : rules) {
      if (rule.matches(request)) {
        return true;
      }
    }
    return false;
  }

  /** The flow's distinguisher for {@code request}: the user, the namespace, or empty. */
  public String flowOf(RequestInfo request) {
    switch (distinguisher) {
      case BY_USER:
        return request.identity().name();
      case BY_NAMESPACE:
        return request.namespace();
      default:
        return "";
    }
  }

  /** A subject: a user by name, a group, or service accounts of a namespace ({@code *} for any name). */
  public record Subject(Kind kind, String name, String namespace) {
    /** {@code subjects[].kind}. */
    public enum Kind { USER, GROUP, SERVICE_ACCOUNT }

    public static Subject user(String name) {
      return new Subject(Kind.USER, name, "");
    }

    public static Subject group(String name) {
      return new Subject(Kind.GROUP, name, "");
    }

    public static Subject serviceAccount(String namespace, String name) {
      return new Subject(Kind.SERVICE_ACCOUNT, name, namespace);
    }

    boolean matches(Identity identity) {
      switch (kind) {
        case USER:
          return name.equals(ALL) || identity.name().equals(name);
        case GROUP:
          return name.equals(ALL) || identity.groups().contains(name);
        default:
          if (!identity.isServiceAccount()) {
            return false;
          }
          String prefix = Identity.SERVICE_ACCOUNT_PREFIX + namespace + ":";
          return identity.name().startsWith(prefix) && (name.equals(ALL) || identity.name().length() == prefix.length()
              + name.length() && identity.name().endsWith(name));
      }
    }
  }

  /**
   * A resource rule ({@code ResourcePolicyRule}): verbs, API groups, resources ({@code pods}, {@code
   * nodes/status}, {@code *}) and namespaces; a request without a namespace (cluster-scoped, or across all
   * namespaces) matches only when {@code clusterScope} is set.
   */
  public record Rule(ImmutableSet<String> verbs, ImmutableSet<String> groups, ImmutableSet<String> resources,
      ImmutableSet<String> namespaces, boolean clusterScope) {

    /** Any request, namespaced or not. */
    public static Rule everything() {
      return new Rule(ImmutableSet.of(ALL), ImmutableSet.of(ALL), ImmutableSet.of(ALL), ImmutableSet.of(ALL), true);
    }

    public static Rule of(List<String> verbs, List<String> groups, List<String> resources, List<String> namespaces,
        boolean clusterScope) {
      return new Rule(ImmutableSet.copyOf(verbs), ImmutableSet.copyOf(groups), ImmutableSet.copyOf(resources),
          ImmutableSet.copyOf(namespaces), clusterScope);
    }

    boolean matches(RequestInfo request) {
      if (!verbs.contains(ALL) && !verbs.contains(request.verb().wireName())) {
        return false;
      }
      if (!groups.contains(ALL) && !groups.contains(request.group())) {
        return false;
      }
      // A subresource request matches only "resource/subresource" (matchPolicyRuleResource).
      if (!resources.contains(ALL) && !resources.contains(request.resourceWithSubresource())) {
        return false;
      }
      if (request.namespace().isEmpty()) {
        return clusterScope;
      }
      return namespaces.contains(ALL) || namespaces.contains(request.namespace());
    }
  }
}
