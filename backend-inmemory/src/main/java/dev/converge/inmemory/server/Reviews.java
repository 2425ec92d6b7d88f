package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.api.ResourceType;
import dev.converge.inmemory.rbac.PolicyRule;
import dev.converge.inmemory.rbac.RbacAuthorizer;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The review kinds, which a client creates to ask a question and which are never stored: access reviews
 * ({@code authorization.k8s.io/v1}: {@code SelfSubjectAccessReview}, what {@code kubectl auth can-i} asks;
 * {@code SubjectAccessReview} and {@code LocalSubjectAccessReview} about another user;
 * {@code SelfSubjectRulesReview}, what {@code kubectl auth can-i --list} asks), answered by this server's RBAC
 * authorizer, and {@code SelfSubjectReview} ({@code authentication.k8s.io/v1}, {@code kubectl auth whoami}),
 * answered with the caller's identity. The answer is the request with a {@code status}.
 *
 * <p>Not modelled: the {@code reason} an allowing RBAC decision carries (which binding allowed it), {@code
 * evaluationError}, and the {@code extra} and {@code uid} of a user.
 */
public final class Reviews {
  static final String AUTHORIZATION = "authorization.k8s.io";
  static final String AUTHENTICATION = "authentication.k8s.io";

  public static final ResourceType SELF_SUBJECT_ACCESS_REVIEW =
      ResourceType.cluster(AUTHORIZATION, "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews");
  public static final ResourceType SUBJECT_ACCESS_REVIEW =
      ResourceType.cluster(AUTHORIZATION, "v1", "SubjectAccessReview", "subjectaccessreviews");
  public static final ResourceType LOCAL_SUBJECT_ACCESS_REVIEW =
      ResourceType.namespaced(AUTHORIZATION, "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews");
  public static final ResourceType SELF_SUBJECT_RULES_REVIEW =
      ResourceType.cluster(AUTHORIZATION, "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews");
  public static final ResourceType SELF_SUBJECT_REVIEW =
      ResourceType.cluster(AUTHENTICATION, "v1", "SelfSubjectReview", "selfsubjectreviews");

  /** Every review kind, as discovery lists them (verb {@code create} only). */
  public static final ImmutableList<ResourceType> ALL = ImmutableList.of(SELF_SUBJECT_ACCESS_REVIEW,
      SUBJECT_ACCESS_REVIEW, LOCAL_SUBJECT_ACCESS_REVIEW, SELF_SUBJECT_RULES_REVIEW, SELF_SUBJECT_REVIEW);

  private Reviews() {}

  /** The review kind served at {@code group/version/plural}, if it is one. */
  public static Optional<ResourceType> find(String group, String version, String plural) {
    for (ResourceType type : ALL) {
      if (type.group().equals(group) && type.version().equals(version) && type.plural().equals(plural)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** The answer to {@code review}, created by {@code who} in {@code namespace} (empty for the cluster-scoped kinds). */
  static ObjectNode answer(ResourceType type, Identity who, String namespace, JsonNode review, RbacAuthorizer rbac) {
    if (!review.isObject()) {
      throw Errors.badRequest("the body of the request must be a " + type.kind() + " object");
    }
    ObjectNode out = ((ObjectNode) review).deepCopy();
    out.put("kind", type.kind());
    out.put("apiVersion", type.apiVersion());
    ObjectNode metadata = out.with("metadata");
    metadata.putNull("creationTimestamp");
    if (type.namespaced()) {
      metadata.put("namespace", namespace);
    }
    ObjectNode spec = out.with("spec");
    ObjectNode status = Json.object();
    if (type == SELF_SUBJECT_REVIEW) {
      out.remove("spec");
      ObjectNode user = status.putObject("userInfo");
      user.put("username", who.name());
      ArrayNode groups = user.putArray("groups");
      who.groups().forEach(groups::add);
    } else if (type == SELF_SUBJECT_RULES_REVIEW) {
      rules(status, rbac, who, spec.path("namespace").asText(""));
    } else {
      Identity subject = type == SELF_SUBJECT_ACCESS_REVIEW ? who : subject(type, spec);
      status.put("allowed", allowed(type, spec, subject, namespace, rbac));
    }
    out.set("status", status);
    return out;
  }

  /** The user a (Local)SubjectAccessReview asks about: exactly the groups given (none added). */
  private static Identity subject(ResourceType type, JsonNode spec) {
    String user = spec.path("user").asText("");
    ImmutableList.Builder<String> groups = ImmutableList.builder();
    spec.path("groups").forEach(g -> groups.add(g.asText()));
    ImmutableList<String> all = groups.build();
    if (user.isEmpty() && all.isEmpty()) {
      throw invalid(type, "spec.user: Invalid value: \"\": at least one of user or group must be specified");
    }
    return new Identity(user, all);
  }

  private static boolean allowed(ResourceType type, JsonNode spec, Identity subject, String namespace,
      RbacAuthorizer rbac) {
    JsonNode resource = spec.get("resourceAttributes");
    JsonNode nonResource = spec.get("nonResourceAttributes");
    if ((resource == null || resource.isNull()) == (nonResource == null || nonResource.isNull())) {
      throw invalid(type, "spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes "
          + "or resourceAttributes must be specified");
    }
    if (resource != null && !resource.isNull()) {
      String inNamespace = resource.path("namespace").asText("");
      if (type == LOCAL_SUBJECT_ACCESS_REVIEW) {
        if (!inNamespace.isEmpty() && !inNamespace.equals(namespace)) {
          throw invalid(type, "spec.resourceAttributes.namespace: Invalid value: \"" + inNamespace
              + "\": must match metadata.namespace");
        }
        inNamespace = namespace;
      }
      return rbac.authorize(subject, resource.path("verb").asText(""), resource.path("group").asText(""),
          resource.path("resource").asText(""), resource.path("subresource").asText(""), inNamespace,
          resource.path("name").asText(""));
    }
    String path = nonResource.path("path").asText("");
    String verb = nonResource.path("verb").asText("");
    if (subject.isMaster()) {
      return true;
    }
    for (PolicyRule rule : rbac.rulesFor(subject, "")) {
      if ((rule.verbs().contains("*") || rule.verbs().contains(verb)) && rule.nonResourceURLs().stream()
          .anyMatch(url -> url.equals(path) || url.equals("*")
              || (url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1))))) {
        return true;
      }
    }
    return false;
  }

  /** {@code SelfSubjectRulesReview}: the rules of the caller's roles in the namespace, as the roles write them. */
  private static void rules(ObjectNode status, RbacAuthorizer rbac, Identity who, String namespace) {
    ArrayNode resourceRules = status.putArray("resourceRules");
    ArrayNode nonResourceRules = status.putArray("nonResourceRules");
    List<PolicyRule> rules = who.isMaster()
        ? List.of(new PolicyRule(ImmutableList.of("*"), ImmutableList.of("*"), ImmutableList.of("*"),
            ImmutableList.of(), ImmutableList.of()), new PolicyRule(ImmutableList.of(), ImmutableList.of(),
            ImmutableList.of("*"), ImmutableList.of(), ImmutableList.of("*")))
        : rbac.rulesFor(who, namespace);
    for (PolicyRule rule : rules) {
      if (!rule.nonResourceURLs().isEmpty()) {
        ObjectNode out = nonResourceRules.addObject();
        strings(out, "verbs", rule.verbs());
        strings(out, "nonResourceURLs", rule.nonResourceURLs());
      }
      if (!rule.resources().isEmpty()) {
        ObjectNode out = resourceRules.addObject();
        strings(out, "verbs", rule.verbs());
        strings(out, "apiGroups", rule.apiGroups());
        strings(out, "resources", rule.resources());
        strings(out, "resourceNames", rule.resourceNames());
      }
    }
    status.put("incomplete", false);
  }

  private static void strings(ObjectNode out, String field, @Nullable List<String> values) {
    if (values != null && !values.isEmpty()) {
      ArrayNode array = out.putArray(field);
      values.forEach(array::add);
    }
  }

  private static RuntimeException invalid(ResourceType type, String cause) {
    return new dev.converge.api.backend.BackendException.Invalid(type.kind() + "." + type.group() + " \"\" is invalid: "
        + cause, ImmutableList.of(cause));
  }
}
