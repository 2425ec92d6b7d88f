package dev.converge.inmemory.http;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.sun.net.httpserver.Headers;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.inmemory.rbac.RbacAuthorizer;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.TokenIssuer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Bearer-token authentication, as kube-apiserver's static token file does it ({@code --token-auth-file}): each
 * token names one {@link Identity}; a request without a token, or with an unknown one, is refused with 401
 * (anonymous access is off, as {@code --anonymous-auth=false} configures it). Then impersonation
 * ({@code Impersonate-User}, {@code Impersonate-Group}: what {@code kubectl --as} sends), allowed only to an
 * identity that RBAC lets {@code impersonate} the user and each group.
 *
 * <p>It also mints the tokens of {@code TokenRequest}s ({@code kubectl create token}): random, opaque (not
 * JWTs), each authenticating as its service account until it expires on the server's clock or the service account
 * is deleted (its uid no longer the one the token was issued for), as bound service-account tokens do.
 */
final class Authenticator implements TokenIssuer {
  private static final GroupKind SERVICE_ACCOUNT = GroupKind.of("", "ServiceAccount");
  private final ImmutableMap<String, Identity> tokens;
  private final RbacAuthorizer rbac;
  private final ApiServer server;
  private final Map<String, Issued> issued = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  private record Issued(String namespace, String name, String uid, Instant expires) {}

  Authenticator(ImmutableMap<String, Identity> tokens, ApiServer server) {
    this.tokens = tokens;
    this.rbac = server.rbac();
    this.server = server;
  }

  @Override
  public String issue(Resource serviceAccount, Instant expires) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    // Tokens are dropped when used after they lapse; those never used again are dropped here, so none piles up.
    Instant now = server.ticker().now();
    issued.values().removeIf(grant -> !now.isBefore(grant.expires()));
    issued.put(token, new Issued(serviceAccount.namespace(), serviceAccount.name(),
        String.valueOf(serviceAccount.uid()), expires));
    return token;
  }

  /** The service account an issued token stands for, while it is valid. */
  private @Nullable Identity issuedFor(String token) {
    Issued grant = issued.get(token);
    if (grant == null) {
      return null;
    }
    boolean[] valid = {false};
    server.locked(() -> {
      Resource account = server.cache().get(SERVICE_ACCOUNT, grant.namespace(), grant.name());
      valid[0] = account != null && grant.uid().equals(account.uid()) && server.ticker().now().isBefore(grant.expires());
    });
    if (!valid[0]) {
      issued.remove(token);
      return null;
    }
    return Identity.serviceAccount(grant.namespace(), grant.name());
  }

  /** The identity a request acts as. @throws FrontException 401 without a known token, 403 for a denied impersonation */
  Identity authenticate(Headers headers) {
    String authorization = headers.getFirst("Authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw FrontException.unauthorized();
    }
    String token = authorization.substring(7).trim();
    Identity identity = tokens.get(token);
    if (identity == null) {
      identity = issuedFor(token);
    }
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
