package dev.converge.api.backend;

import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import org.jspecify.annotations.Nullable;

/**
 * A list of one kind, optionally in one namespace, filtered by labels and fields, optionally paged.
 *
 * @param kind the kind to list
 * @param namespace the namespace, or null for all namespaces (and for cluster-scoped kinds)
 * @param labels the label selector
 * @param fields the field selector
 * @param limit the page size, 0 for everything
 * @param continueToken the token of the previous page, or null for the first page
 */
public record ListRequest(
    GroupKind kind,
    @Nullable String namespace,
    LabelSelector labels,
    FieldSelector fields,
    int limit,
    @Nullable String continueToken) {

  /**
   * Checks the page size.
   *
   * @param kind the kind to list
   * @param namespace the namespace, or null for all
   * @param labels the label selector
   * @param fields the field selector
   * @param limit the page size, 0 for everything; not negative
   * @param continueToken the token of the previous page, or null
   */
  public ListRequest {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
  }

  /**
   * {@return a request for every object of {@code kind} in every namespace, unpaged}
   *
   * @param kind the kind to list
   */
  public static ListRequest all(GroupKind kind) {
    return new ListRequest(kind, null, LabelSelector.everything(), FieldSelector.everything(), 0, null);
  }

  /**
   * {@return this request, in one namespace}
   *
   * @param ns the namespace, or null for all
   */
  public ListRequest inNamespace(@Nullable String ns) {
    return new ListRequest(kind, ns, labels, fields, limit, continueToken);
  }

  /**
   * {@return this request with a label selector}
   *
   * @param selector the label selector
   */
  public ListRequest withLabels(LabelSelector selector) {
    return new ListRequest(kind, namespace, selector, fields, limit, continueToken);
  }

  /**
   * {@return this request with a field selector}
   *
   * @param selector the field selector
   */
  public ListRequest withFields(FieldSelector selector) {
    return new ListRequest(kind, namespace, labels, selector, limit, continueToken);
  }

  /**
   * {@return this request for one page}
   *
   * @param pageSize at most this many objects, 0 for everything
   * @param token the previous page's continue token, or null for the first page
   */
  public ListRequest page(int pageSize, @Nullable String token) {
    return new ListRequest(kind, namespace, labels, fields, pageSize, token);
  }
}
