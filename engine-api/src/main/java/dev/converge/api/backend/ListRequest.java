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

  public ListRequest {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
  }

  /** Every object of {@code kind} in every namespace. */
  public static ListRequest all(GroupKind kind) {
    return new ListRequest(kind, null, LabelSelector.everything(), FieldSelector.everything(), 0, null);
  }

  public ListRequest inNamespace(@Nullable String ns) {
    return new ListRequest(kind, ns, labels, fields, limit, continueToken);
  }

  public ListRequest withLabels(LabelSelector selector) {
    return new ListRequest(kind, namespace, selector, fields, limit, continueToken);
  }

  public ListRequest withFields(FieldSelector selector) {
    return new ListRequest(kind, namespace, labels, selector, limit, continueToken);
  }

  public ListRequest page(int pageSize, @Nullable String token) {
    return new ListRequest(kind, namespace, labels, fields, pageSize, token);
  }
}
