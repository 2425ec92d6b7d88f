package dev.converge.examples.datadog.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import java.util.List;

/**
 * An RBAC {@code PolicyRule}: either resource rules ({@code apiGroups} × {@code resources} × optional {@code
 * resourceNames}) or non-resource URLs, each with verbs.
 *
 * @param apiGroups API groups, {@code ""} for the core group
 * @param resources plural resources, with {@code /subresource} where needed
 * @param resourceNames object names the rule is limited to; empty for all
 * @param nonResourceUrls URL paths of a non-resource rule; empty for a resource rule
 * @param verbs the allowed verbs
 */
public record AgentRbacRule(
    ImmutableList<String> apiGroups,
    ImmutableList<String> resources,
    ImmutableList<String> resourceNames,
    ImmutableList<String> nonResourceUrls,
    ImmutableList<String> verbs) {

  /** A rule on {@code resources} of {@code group} (empty for core). */
  public static AgentRbacRule of(String group, List<String> resources, List<String> verbs) {
    return new AgentRbacRule(ImmutableList.of(group), ImmutableList.copyOf(resources), ImmutableList.of(), ImmutableList.of(),
        ImmutableList.copyOf(verbs));
  }

  /** A rule on {@code resources} of several groups. */
  public static AgentRbacRule of(List<String> groups, List<String> resources, List<String> verbs) {
    return new AgentRbacRule(ImmutableList.copyOf(groups), ImmutableList.copyOf(resources), ImmutableList.of(), ImmutableList.of(),
        ImmutableList.copyOf(verbs));
  }

  /** A rule on the named objects of {@code resources} of {@code group}. */
  public static AgentRbacRule named(String group, List<String> resources, List<String> names, List<String> verbs) {
    return new AgentRbacRule(ImmutableList.of(group), ImmutableList.copyOf(resources), ImmutableList.copyOf(names), ImmutableList.of(),
        ImmutableList.copyOf(verbs));
  }

  /** A non-resource rule. */
  public static AgentRbacRule nonResource(List<String> urls, List<String> verbs) {
    return new AgentRbacRule(ImmutableList.of(), ImmutableList.of(), ImmutableList.of(), ImmutableList.copyOf(urls),
        ImmutableList.copyOf(verbs));
  }

  /** The {@code rules} list entry, with only the fields that are set. */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    if (!nonResourceUrls.isEmpty()) {
      strings(node.putArray("nonResourceURLs"), nonResourceUrls);
    } else {
      strings(node.putArray("apiGroups"), apiGroups);
      strings(node.putArray("resources"), resources);
      if (!resourceNames.isEmpty()) {
        strings(node.putArray("resourceNames"), resourceNames);
      }
    }
    strings(node.putArray("verbs"), verbs);
    return node;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  @Override
  public String toString() {
    return Json.write(toJson());
  }
}
