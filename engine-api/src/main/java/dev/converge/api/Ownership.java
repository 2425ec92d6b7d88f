package dev.converge.api;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * How the engine marks what it owns. Every owned object carries the label {@value #OWNER_LABEL} (a hash of
 * the primary's key, so that it is a valid label value and can be selected on the server) and the
 * annotation {@value #OWNER_ANNOTATION} (the key itself, so a hash collision can never make the engine touch
 * another primary's object). Pruning requires both to match.
 */
public enum Ownership {
  /** Labelled with the primary, pruned when no longer desired, owner-referenced where Kubernetes allows. */
  OWNED,
  /** Applied but never labelled nor pruned: an object shared with others (a namespace, a user's secret). */
  UNOWNED;

  /** The ownership label; its value is {@link #labelValue(ResourceKey)} of the primary. */
  public static final String OWNER_LABEL = "converge.dev/owner";

  /** The ownership annotation; its value is the primary's key in string form. */
  public static final String OWNER_ANNOTATION = "converge.dev/owner-key";

  /** The explicit-dependency annotation of YAML manifests: comma-separated keys in their string form. */
  public static final String DEPENDS_ON_ANNOTATION = "converge.dev/depends-on";

  /**
   * {@return the value of {@link #OWNER_LABEL} for objects owned by {@code primary}: 20 hex digits of the
   * SHA-256 of its key}
   *
   * @param primary the primary's key
   */
  public static String labelValue(ResourceKey primary) {
    return Hashing.sha256().hashString(primary.toString(), StandardCharsets.UTF_8).toString().substring(0, 20);
  }

  /**
   * {@return whether {@code resource} carries both ownership marks of {@code primary}}
   *
   * @param resource a live object
   * @param primary the primary's key
   */
  public static boolean isOwnedBy(Resource resource, ResourceKey primary) {
    String label = resource.labels().get(OWNER_LABEL);
    return label != null
        && label.equals(labelValue(primary))
        && primary.toString().equals(resource.annotations().get(OWNER_ANNOTATION));
  }
}
