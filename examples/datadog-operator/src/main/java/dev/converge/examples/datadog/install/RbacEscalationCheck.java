package dev.converge.examples.datadog.install;

import com.google.common.collect.ImmutableList;
import dev.converge.examples.datadog.render.AgentRbacRule;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes' RBAC escalation check, reduced to what the operator needs: a subject may create or update a Role
 * or ClusterRole only if it already holds every permission in it (or has the {@code escalate} verb, which the
 * operator is not given). A rule is split into atoms — one verb on one resource of one group, for one name or
 * for all — and each atom must be covered by some held rule, as {@code rbac/validation.Covers} does.
 *
 * <p>Wildcards follow Kubernetes: {@code *} in verbs, groups or resources; {@code *}{@code /sub} for a
 * subresource of every resource; a held rule without {@code resourceNames} covers every name, one with names
 * covers only those; a non-resource URL ending in {@code *} covers the paths under it.
 */
public final class RbacEscalationCheck {
  private RbacEscalationCheck() {}

  /** The atoms of {@code requested} that no rule of {@code held} covers, in order; empty when all are covered. */
  public static ImmutableList<String> uncovered(List<AgentRbacRule> held, List<AgentRbacRule> requested) {
    Set<String> missing = new LinkedHashSet<>();
    for (AgentRbacRule rule : requested) {
      if (!rule.nonResourceUrls().isEmpty()) {
        for (String url : rule.nonResourceUrls()) {
          for (String verb : rule.verbs()) {
            if (held.stream().noneMatch(h -> coversUrl(h, url, verb))) {
              missing.add(verb + " " + url);
            }
          }
        }
        continue;
      }
      List<String> names = rule.resourceNames().isEmpty() ? List.of("") : rule.resourceNames();
      for (String group : rule.apiGroups()) {
        for (String resource : rule.resources()) {
          for (String verb : rule.verbs()) {
            for (String name : names) {
              if (held.stream().noneMatch(h -> coversResource(h, group, resource, verb, name))) {
                missing.add(verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource + (name.isEmpty() ? "" : "/" + name));
              }
            }
          }
        }
      }
    }
    return ImmutableList.copyOf(missing);
  }

  private static boolean coversResource(AgentRbacRule held, String group, String resource, String verb, String name) {
    if (!held.nonResourceUrls().isEmpty()) {
      return false;
    }
    return matches(held.verbs(), verb)
        && matches(held.apiGroups(), group)
        && resourceMatches(held.resources(), resource)
        && (held.resourceNames().isEmpty() || (!name.isEmpty() && held.resourceNames().contains(name)));
  }

  private static boolean resourceMatches(List<String> held, String resource) {
    for (String candidate : held) {
      if (candidate.equals("*") || candidate.equals(resource)) {
        return true;
      }
      int slash = resource.indexOf('/');
      if (slash >= 0 && candidate.equals("*" + resource.substring(slash))) {
        return true;
      }
    }
    return false;
  }

  private static boolean coversUrl(AgentRbacRule held, String url, String verb) {
    if (held.nonResourceUrls().isEmpty() || !matches(held.verbs(), verb)) {
      return false;
    }
    for (String candidate : held.nonResourceUrls()) {
      if (candidate.equals(url) || candidate.equals("*")
          || (candidate.endsWith("*") && url.startsWith(candidate.substring(0, candidate.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(List<String> values, String value) {
    return values.contains("*") || values.contains(value);
  }
}
