package dev.converge.inmemory.server;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

/**
 * Who makes a request: a user name and its groups, as an authenticator would report them
 * ({@code k8s.io/apiserver/pkg/authentication/user.Info}).
 *
 * <p>Service accounts follow Kubernetes' naming ({@code k8s.io/apiserver/pkg/authentication/serviceaccount}):
 * user {@code system:serviceaccount:<ns>:<name>}, groups {@code system:serviceaccounts},
 * {@code system:serviceaccounts:<ns>} and {@code system:authenticated}. Members of {@code system:masters}
 * bypass authorization, as the privileged-group authorizer of kube-apiserver does.
 *
 * @param name the user name
 * @param groups the groups, in the order the authenticator listed them
 */
public record Identity(String name, ImmutableList<String> groups) {
  /** The group that bypasses RBAC. */
  public static final String MASTERS = "system:masters";
  /** Every authenticated identity belongs to it. */
  public static final String AUTHENTICATED = "system:authenticated";
  /** The prefix of service-account user names. */
  public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  private static final Identity ADMIN =
      new Identity("system:admin", ImmutableList.of(MASTERS, AUTHENTICATED));

  public Identity {
    checkArgument(!name.isEmpty(), "identity name must not be empty");
  }

  /** A user with {@code groups} plus {@code system:authenticated}. */
  public static Identity user(String name, String... groups) {
    ImmutableSet.Builder<String> all = ImmutableSet.builder();
    all.add(groups);
    all.add(AUTHENTICATED);
    return new Identity(name, all.build().asList());
  }

  /** The service account {@code namespace/name} with its standard groups. */
  public static Identity serviceAccount(String namespace, String name) {
    return new Identity(
        SERVICE_ACCOUNT_PREFIX + namespace + ":" + name,
        ImmutableList.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, AUTHENTICATED));
  }

  /** {@code system:admin} in {@code system:masters}: what a kubeconfig's cluster-admin certificate is. */
  public static Identity admin() {
    return ADMIN;
  }

  /** Whether this identity belongs to {@code system:masters} and so bypasses RBAC. */
  public boolean isMaster() {
    return groups.contains(MASTERS);
  }

  public boolean isServiceAccount() {
    return name.startsWith(SERVICE_ACCOUNT_PREFIX);
  }

  /** Whether this identity is the service account {@code name} in {@code namespace}. */
  public boolean isServiceAccount(String namespace, String saName) {
    return name.length() == SERVICE_ACCOUNT_PREFIX.length() + namespace.length() + 1 + saName.length()
        && name.startsWith(SERVICE_ACCOUNT_PREFIX)
        && name.startsWith(namespace, SERVICE_ACCOUNT_PREFIX.length())
        && name.charAt(SERVICE_ACCOUNT_PREFIX.length() + namespace.length()) == ':'
        && name.endsWith(saName);
  }

  @Override
  public String toString() {
    return name;
  }
}
