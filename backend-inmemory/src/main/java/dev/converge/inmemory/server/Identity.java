package dev.converge.inmemory.server;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Who makes a request: a user name and its groups, as an authenticator would report them
 * ({@code k8s.io/apiserver/pkg/authentication/user.Info}).
 *
 * <p>Service accounts follow Kubernetes' naming ({@code k8s.io/apiserver/pkg/authentication/serviceaccount}):
 * user {@code system:serviceaccount:<ns>:<name>}, groups {@code system:serviceaccounts},
 * {@code system:serviceaccounts:<ns>} and {@code system:authenticated}. Members of {@code system:masters}
 * bypass authorization, as the privileged-group authorizer of kube-apiserver does.
 *
 * <p>A value: equal by name and groups (as the record it used to be, with the same hash code). Each instance
 * also carries a few {@linkplain #attachment(Object) attachments}, per-identity state that the server's
 * components (authorizer, request log, priority and fairness, load accounting) look up once per request by a
 * reference comparison instead of hashing identity strings into maps of thousands of entries. An attachment is
 * only a cache of what its owner keeps itself (keyed by identity), so instances that are equal but distinct,
 * or an attachment evicted because too many owners use one instance, cost a lookup, never a different result.
 *
 * <p>Attachments hold their owner and their value weakly. Identities outlive servers: a constant such as an
 * embedding's own identity is used with every cluster a process makes, and an attachment held strongly kept
 * its owner (an authorizer, a request log) and through it a whole cluster alive after the embedding had
 * dropped it — up to {@link #MAX_ATTACHMENTS} dead clusters per constant, each of them gigabytes at 10,000
 * nodes. The owner keeps the value itself, so a weak value lives exactly as long as it is the owner's.
 */
public final class Identity {
  /** At most this many owners keep an attachment on one instance (the oldest is dropped first). */
  static final int MAX_ATTACHMENTS = 8;
  private static final Object[] NONE = new Object[0];
  /** The group that bypasses RBAC. */
  public static final String MASTERS = "system:masters";
  /** Every authenticated identity belongs to it. */
  public static final String AUTHENTICATED = "system:authenticated";
  /** The group every kubelet's credentials carry. */
  public static final String NODES_GROUP = "system:nodes";
  /** The prefix of kubelets' user names. */
  static final String NODE_PREFIX = "system:node:";
  /** The prefix of service-account user names. */
  public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  private static final Identity ADMIN =
      new Identity("system:admin", ImmutableList.of(MASTERS, AUTHENTICATED));


  private final String name;
  private final ImmutableList<String> groups;
  private final int hash;
  /** Whether {@link #groups} holds {@link #MASTERS}: asked on every request, so answered once. */
  private final boolean master;
  /** The node this identity is the kubelet of ({@link #node()}), or null: asked on every request too. */
  private final @Nullable String node;
  /**
   * {@code WeakReference}s to owner, value, owner, value, …; replaced (never changed in place) so that readers
   * need no lock.
   */
  private volatile Object[] attachments = NONE;

  /**
   * @param name the user name
   * @param groups the groups, in the order the authenticator listed them
   */
  public Identity(String name, ImmutableList<String> groups) {
    checkArgument(!name.isEmpty(), "identity name must not be empty");
    this.name = name;
    this.groups = java.util.Objects.requireNonNull(groups, "groups");
    // What the record's generated hashCode computed: 31 * hash(name) + hash(groups).
    this.hash = 31 * name.hashCode() + groups.hashCode();
    this.master = groups.contains(MASTERS);
    this.node = name.startsWith(NODE_PREFIX) && groups.contains(NODES_GROUP) ? name.substring(NODE_PREFIX.length())
        : null;
  }

  /**
   * {@return the node this identity is the kubelet of, or null when it is none} ({@code nodeidentifier}): the user
   * {@code system:node:<name>} in the group {@code system:nodes}; an empty name for a kubelet whose node cannot be
   * told.
   */
  public @Nullable String node() {
    return node;
  }

  /** {@return the user name} */
  public String name() {
    return name;
  }

  /** {@return the groups, in the order the authenticator listed them} */
  public ImmutableList<String> groups() {
    return groups;
  }

  /**
   * {@return what {@code owner} attached to this instance, or null} A cache: the owner must be able to find
   * the same state without it (by name or by an equal identity) and {@linkplain #attach attach} it again.
   */
  public @Nullable Object attachment(Object owner) {
    Object[] current = attachments;
    for (int i = 0; i < current.length; i += 2) {
      if (referent(current[i]) == owner) {
        return referent(current[i + 1]);
      }
    }
    return null;
  }

  /**
   * Attaches {@code value} for {@code owner}, replacing what it attached before; when {@link #MAX_ATTACHMENTS}
   * owners have attachments already, the oldest one's is dropped. Entries whose owner or value the collector
   * has taken are dropped first.
   */
  public synchronized void attach(Object owner, Object value) {
    Object[] current = attachments;
    Object[] next = new Object[Math.min(current.length + 2, 2 * MAX_ATTACHMENTS)];
    int slot = next.length - 2;
    for (int i = current.length - 2; i >= 0 && slot > 0; i -= 2) {
      Object theirs = referent(current[i]);
      if (theirs != null && theirs != owner && referent(current[i + 1]) != null) {
        slot -= 2;
        next[slot] = current[i];
        next[slot + 1] = current[i + 1];
      }
    }
    if (slot > 0) {
      next = Arrays.copyOfRange(next, slot, next.length);
    }
    next[next.length - 2] = new WeakReference<>(owner);
    next[next.length - 1] = new WeakReference<>(value);
    attachments = next;
  }

  private static @Nullable Object referent(Object reference) {
    return ((WeakReference<?>) reference).get();
  }

  /**
   * {@return {@code owner}'s attachment, created by {@code create} and attached when there is none}
   * {@code create} must return the owner's own state for this identity (found or made), not a fresh copy.
   */
  @SuppressWarnings("unchecked")
  public <T> T attachment(Object owner, Function<Identity, T> create) {
    Object found = attachment(owner);
    if (found != null) {
      return (T) found;
    }
    T made = create.apply(this);
    attach(owner, made);
    return made;
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
    return master;
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
  public boolean equals(@Nullable Object other) {
    return this == other
        || other instanceof Identity that && hash == that.hash && name.equals(that.name) && groups.equals(that.groups);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return name;
  }
}
