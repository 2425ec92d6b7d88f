package dev.converge.inmemory.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An RBAC {@code PolicyRule}, with the matching of {@code pkg/apis/rbac/v1/evaluation_helpers.go}
 * ({@code VerbMatches}, {@code APIGroupMatches}, {@code ResourceMatches} incl. {@code *}{@code /subresource},
 * {@code ResourceNameMatches}) and the coverage test of {@code component-helpers/auth/rbac/validation}
 * ({@code Covers}) used by the escalation check.
 */
public record PolicyRule(
    ImmutableList<String> apiGroups,
    ImmutableList<String> resources,
    ImmutableList<String> verbs,
    ImmutableList<String> resourceNames,
    ImmutableList<String> nonResourceURLs) {

  /** The rule in a Role's or ClusterRole's {@code rules[]} element. */
  public static PolicyRule fromJson(JsonNode rule) {
    return new PolicyRule(strings(rule.path("apiGroups")), strings(rule.path("resources")),
        strings(rule.path("verbs")), strings(rule.path("resourceNames")), strings(rule.path("nonResourceURLs")));
  }

  /** All rules of a Role or ClusterRole object. */
  public static ImmutableList<PolicyRule> allOf(JsonNode role) {
    ImmutableList.Builder<PolicyRule> rules = ImmutableList.builder();
    for (JsonNode rule : role.path("rules")) {
      rules.add(fromJson(rule));
    }
    return rules.build();
  }

  public static PolicyRule of(String group, String resource, String... verbs) {
    return new PolicyRule(ImmutableList.of(group), ImmutableList.of(resource), ImmutableList.copyOf(verbs),
        ImmutableList.of(), ImmutableList.of());
  }

  /** Whether this rule allows {@code verb} on {@code group}/{@code resource}[/{@code subresource}] named {@code name}. */
  public boolean allows(String verb, String group, String resource, String subresource, String name) {
    return matches(verbs, verb)
        && matches(apiGroups, group)
        && resourceMatches(resource, subresource)
        && (resourceNames.isEmpty() || resourceNames.contains(name));
  }

  private boolean resourceMatches(String resource, String subresource) {
    String combined = subresource.isEmpty() ? resource : resource + "/" + subresource;
    for (String ruleResource : resources) {
      if (ruleResource.equals("*") || ruleResource.equals(combined)) {
        return true;
      }
      if (!subresource.isEmpty() && ruleResource.equals("*/" + subresource)) {
        return true;
      }
      if (!subresource.isEmpty() && ruleResource.equals(resource + "/*")) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(List<String> values, String value) {
    return values.contains("*") || values.contains(value);
  }

  /** This rule broken into rules of one group, resource, verb and resource name each ({@code breakdownRule}). */
  List<PolicyRule> breakdown() {
    List<PolicyRule> out = new ArrayList<>();
    for (String group : apiGroups) {
      for (String resource : resources) {
        for (String verb : verbs) {
          if (resourceNames.isEmpty()) {
            out.add(new PolicyRule(ImmutableList.of(group), ImmutableList.of(resource), ImmutableList.of(verb),
                ImmutableList.of(), ImmutableList.of()));
          } else {
            for (String name : resourceNames) {
              out.add(new PolicyRule(ImmutableList.of(group), ImmutableList.of(resource), ImmutableList.of(verb),
                  ImmutableList.of(name), ImmutableList.of()));
            }
          }
        }
      }
    }
    for (String url : nonResourceURLs) {
      for (String verb : verbs) {
        out.add(new PolicyRule(ImmutableList.of(), ImmutableList.of(), ImmutableList.of(verb), ImmutableList.of(),
            ImmutableList.of(url)));
      }
    }
    return out;
  }

  /** Whether this rule covers {@code sub}, a rule of at most one verb, group, resource and name ({@code ruleCovers}). */
  boolean covers(PolicyRule sub) {
    boolean verb = verbs.contains("*") || verbs.containsAll(sub.verbs);
    boolean group = apiGroups.contains("*") || apiGroups.containsAll(sub.apiGroups);
    boolean resource = sub.resources.isEmpty() || sub.resources.stream().allMatch(this::resourceCovers);
    boolean url = sub.nonResourceURLs.stream().allMatch(path -> nonResourceURLs.stream()
        .anyMatch(owner -> owner.equals(path) || (owner.endsWith("*") && path.startsWith(owner.substring(0, owner.length() - 1)))));
    boolean names = resourceNames.isEmpty() || (!sub.resourceNames.isEmpty() && resourceNames.containsAll(sub.resourceNames));
    return verb && group && resource && url && names;
  }

  private boolean resourceCovers(String requested) {
    if (resources.contains("*") || resources.contains(requested)) {
      return true;
    }
    int slash = requested.indexOf('/');
    if (slash > 0) {
      return resources.contains("*" + requested.substring(slash)) || resources.contains(requested.substring(0, slash) + "/*");
    }
    return false;
  }

  /** {@code rbacv1helpers.CompactString}: {@code {APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}}. */
  public String compactString() {
    List<String> parts = new ArrayList<>();
    if (!apiGroups.isEmpty()) {
      parts.add("APIGroups:" + quoted(apiGroups));
    }
    if (!resources.isEmpty()) {
      parts.add("Resources:" + quoted(resources));
    }
    if (!nonResourceURLs.isEmpty()) {
      parts.add("NonResourceURLs:" + quoted(nonResourceURLs));
    }
    if (!resourceNames.isEmpty()) {
      parts.add("ResourceNames:" + quoted(resourceNames));
    }
    if (!verbs.isEmpty()) {
      parts.add("Verbs:" + quoted(verbs));
    }
    return "{" + String.join(", ", parts) + "}";
  }

  /**
   * {@code CompactRules}: simple rules (one group, one resource, no names or URLs) that differ only by verb
   * become one rule with all their verbs, in first-seen order.
   */
  static List<PolicyRule> compact(List<PolicyRule> rules) {
    Map<String, List<String>> verbsByResource = new LinkedHashMap<>();
    Map<String, PolicyRule> firstByResource = new LinkedHashMap<>();
    List<PolicyRule> out = new ArrayList<>();
    for (PolicyRule rule : rules) {
      boolean simple = rule.apiGroups.size() == 1 && rule.resources.size() == 1
          && rule.resourceNames.isEmpty() && rule.nonResourceURLs.isEmpty();
      if (!simple) {
        out.add(rule);
        continue;
      }
      String key = rule.apiGroups.get(0) + "\0" + rule.resources.get(0);
      firstByResource.putIfAbsent(key, rule);
      List<String> verbs = verbsByResource.computeIfAbsent(key, k -> new ArrayList<>());
      for (String verb : rule.verbs) {
        if (!verbs.contains(verb)) {
          verbs.add(verb);
        }
      }
    }
    firstByResource.forEach((key, rule) -> out.add(new PolicyRule(rule.apiGroups, rule.resources,
        ImmutableList.copyOf(verbsByResource.get(key)), ImmutableList.of(), ImmutableList.of())));
    return out;
  }

  /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
  static String quoted(List<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(" ", "[", "]"));
  }

  private static ImmutableList<String> strings(JsonNode array) {
    if (!array.isArray() || array.isEmpty()) {
      return ImmutableList.of();
    }
    ImmutableList.Builder<String> out = ImmutableList.builderWithExpectedSize(array.size());
    for (JsonNode value : array) {
      out.add(value.asText());
    }
    return out.build();
  }
}
