package dev.converge.testkit.assertions;

import com.google.common.collect.ImmutableList;
import dev.converge.inmemory.accounting.RequestLog;
import dev.converge.inmemory.accounting.RequestRecord;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.AbstractDoubleAssert;
import org.assertj.core.api.AbstractLongAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;
import org.jspecify.annotations.Nullable;

/**
 * Checks on API load, from an in-memory cluster's {@link RequestLog}. Each narrowing returns a new assertion
 * over fewer requests, and every failure message says which requests were counted:
 *
 * <pre>{@code
 * long mark = cluster.requests().mark();
 * ... // the second pass
 * assertThat(cluster.requests()).since(mark).forIdentity(OPERATOR).mutating().isZero();
 * assertThat(cluster.requests()).forIdentity("system:serviceaccount:datadog:agent").forVerb("list")
 *     .ratePerMinute().isLessThan(100.0);
 * }</pre>
 *
 * Only retained records are counted (the log's default); a log that stopped retaining them fails the check.
 */
public final class LoadAssert extends AbstractAssert<LoadAssert, RequestLog> {
  private final long mark;
  private final Predicate<RequestRecord> filter;
  private final String description;
  private final @Nullable Duration window;

  LoadAssert(RequestLog log) {
    this(log, 0, record -> true, "requests", null);
  }

  private LoadAssert(RequestLog log, long mark, Predicate<RequestRecord> filter, String description, @Nullable Duration window) {
    super(log, LoadAssert.class);
    this.mark = mark;
    this.filter = filter;
    this.description = description;
    this.window = window;
  }

  private LoadAssert narrow(Predicate<RequestRecord> more, String what) {
    return new LoadAssert(actual, mark, filter.and(more), description + " " + what, window);
  }

  /** Only requests after {@code requestMark} ({@link RequestLog#mark()}). */
  public LoadAssert since(long requestMark) {
    return new LoadAssert(actual, requestMark, filter, description + " since #" + requestMark, window);
  }

  /** Only requests by {@code identity} (a user name: {@code system:serviceaccount:<ns>:<name>}). */
  public LoadAssert forIdentity(String identity) {
    return narrow(r -> r.identity().equals(identity), "by " + identity);
  }

  /** Only requests with one of {@code verbs} ({@code get}, {@code list}, {@code watch}, {@code patch}, …). */
  public LoadAssert forVerb(String... verbs) {
    List<String> wanted = List.of(verbs);
    return narrow(r -> wanted.contains(r.verb()), "with verb " + wanted);
  }

  /** Only requests on {@code resource} (the plural, with a subresource as {@code pods/status}). */
  public LoadAssert forResource(String resource) {
    return narrow(r -> r.resourceWithSubresource().equals(resource), "on " + resource);
  }

  /** Only mutating requests (create, update, patch, delete), whatever their outcome. */
  public LoadAssert mutating() {
    return narrow(RequestRecord::mutating, "(mutating)");
  }

  /** Only requests that succeeded (2xx). */
  public LoadAssert succeeded() {
    return narrow(RequestRecord::succeeded, "(succeeded)");
  }

  /** The window {@link #ratePerMinute()} divides by, instead of the span the log covers. */
  public LoadAssert over(Duration duration) {
    return new LoadAssert(actual, mark, filter, description, duration);
  }

  /** There were no such requests; the failure lists the ones there were. */
  public LoadAssert isZero() {
    List<RequestRecord> matching = matching();
    if (!matching.isEmpty()) {
      failWithMessage("expected no %s but there were %s:%n%s", description, matching.size(), render(matching));
    }
    return this;
  }

  /** The number of such requests, to compare. */
  public AbstractLongAssert<?> count() {
    return Assertions.assertThat((long) matching().size()).as("number of %s", description);
  }

  /**
   * Such requests per minute of ticker time: over {@link #over(Duration)}, else over the span from the first to
   * the last retained request (since the mark), whoever made them.
   */
  public AbstractDoubleAssert<?> ratePerMinute() {
    List<RequestRecord> all = actual.since(mark);
    Duration span = window;
    if (span == null) {
      span = all.isEmpty() ? Duration.ZERO : Duration.ofNanos(all.get(all.size() - 1).startNanos() - all.get(0).startNanos());
    }
    if (span.isZero()) {
      failWithMessage("cannot compute a rate of %s: the log covers no time; give the window with over(duration)", description);
    }
    double minutes = span.toNanos() / 60e9;
    return Assertions.assertThat(matching().size() / minutes).as("%s per minute over %s", description, span);
  }

  /** Such requests as {@code "<verb> <resource> <namespace>/<name> <code>"}, in order, to assert as a transcript. */
  public ListAssert<String> requests() {
    return new ListAssert<>(tokens(matching())).as(description);
  }

  private List<RequestRecord> matching() {
    isNotNull();
    return actual.since(mark).stream().filter(filter).collect(ImmutableList.toImmutableList());
  }

  /** {@code "delete configmaps shop/web 200"}: verb, resource, namespace/name (or name), code. */
  static ImmutableList<String> tokens(List<RequestRecord> records) {
    return records.stream()
        .map(r -> r.verb() + " " + r.resourceWithSubresource() + " "
            + (r.namespace().isEmpty() ? r.name() : r.namespace() + "/" + r.name()) + " " + r.code())
        .collect(ImmutableList.toImmutableList());
  }

  private static String render(List<RequestRecord> records) {
    StringBuilder out = new StringBuilder();
    for (String token : tokens(records)) {
      out.append("  ").append(token).append(System.lineSeparator());
    }
    return out.toString();
  }
}
