package dev.converge.inmemory.http;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.sun.net.httpserver.Headers;
import dev.converge.inmemory.rbac.RbacAuthorizer;
import dev.converge.inmemory.server.Identity;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Bearer-token authentication, as kube-apiserver's static token file does it ({@code --token-auth-file}): each
 * token names one {@link Identity}; a request without a token, or with an unknown one, is refused with 401
 * (anonymous access is off, as {@code --anonymous-auth=false} configures it). Then impersonation
 * ({@code Impersonate-User}, {@code Impersonate-Group}: what {@code kubectl --as} sends), allowed only to an
 * identity that RBAC lets {@code impersonate} the user and each group.
 */
final class Authenticator {
  private final ImmutableMap<String, Identity> tokens;
  private final RbacAuthorizer rbac;

  Authenticator(ImmutableMap<String, Identity> tokens, RbacAuthorizer rbac) {
    this.tokens = tokens;
    this.rbac = rbac;
  }

  /** The identity a request acts as. @throws FrontException 401 without a known token, 403 for a denied impersonation */
  Identity authenticate(Headers headers) {
    String authorization = headers.getFirst("Authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw FrontException.unauthorized();
    }
    Identity identity = tokens.get(authorization.substring(7).trim());
    if (identity == null) {
      throw FrontException.unauthorized();
    }
    String user = headers.getFirst("Impersonate-User");
    if (user == null || user.isEmpty()) {
      return identity;
    }
    List<String> groups = headers.getOrDefault("Impersonate-Group", List.of());
    check(identity, "users", user);
    for (String group : groups) {
      check(identity, "groups", group);
    }
    return impersonated(user, groups);
  }

  private void check(Identity identity, String resource, String name) {
    if (!rbac.authorize(identity, "impersonate", "", resource, "", "", name)) {
      throw new FrontException(403, "Forbidden", resource + " \"" + name + "\" is forbidden: User \"" + identity.name()
          + "\" cannot impersonate resource \"" + resource + "\" in API group \"\" at the cluster scope");
    }
  }

  /** Service-account names get their standard groups; other users get the groups asked for. */
  private static Identity impersonated(String user, List<String> groups) {
    if (user.startsWith(Identity.SERVICE_ACCOUNT_PREFIX)) {
      String[] parts = user.substring(Identity.SERVICE_ACCOUNT_PREFIX.length()).split(":", 2);
      if (parts.length == 2 && groups.isEmpty()) {
        return Identity.serviceAccount(parts[0], parts[1]);
      }
    }
    return Identity.user(user, groups.toArray(new String[0]));
  }

  /** The token of {@code identity}, if one is configured (for kubeconfigs). */
  @Nullable String tokenOf(Identity identity) {
    for (var entry : tokens.entrySet()) {
      if (entry.getValue().equals(identity)) {
        return entry.getKey();
      }
    }
    return null;
  }

  ImmutableList<String> tokens() {
    return tokens.keySet().asList();
  }
}
