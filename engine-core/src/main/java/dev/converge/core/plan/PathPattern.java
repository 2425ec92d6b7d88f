package dev.converge.core.plan;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled path pattern for {@link NormalizerRegistry}: dotted object fields, where {@code *} is any one
 * field, a {@code [*]} suffix any element of a list, and {@code **} any run of segments (none included).
 * Examples: {@code spec.clusterIP}, {@code stringData.*}, {@code **.resources.limits.*},
 * {@code spec.limits[*].max.*}.
 */
final class PathPattern {
  private static final String ANY_FIELD = "*";
  private static final String ANY_ELEMENT = "[*]";
  private static final String ANY_RUN = "**";

  private final String text;
  private final ImmutableList<String> segments;

  private PathPattern(String text, ImmutableList<String> segments) {
    this.text = text;
    this.segments = segments;
  }

  /**
   * Compiles {@code text}.
   *
   * @throws IllegalArgumentException if a segment is empty
   */
  static PathPattern compile(String text) {
    List<String> segments = new ArrayList<>();
    for (String token : Splitter.on('.').split(text)) {
      checkArgument(!token.isEmpty(), "invalid path pattern '%s': empty segment", text);
      String field = token;
      int elements = 0;
      while (field.endsWith(ANY_ELEMENT)) {
        field = field.substring(0, field.length() - ANY_ELEMENT.length());
        elements++;
      }
      checkArgument(!field.isEmpty(), "invalid path pattern '%s': '[*]' must follow a field", text);
      segments.add(field);
      for (int i = 0; i < elements; i++) {
        segments.add(ANY_ELEMENT);
      }
    }
    return new PathPattern(text, ImmutableList.copyOf(segments));
  }

  boolean matches(DiffPath path) {
    return matches(path, 0, 0);
  }

  private boolean matches(DiffPath path, int p, int s) {
    if (p == segments.size()) {
      return s == path.depth();
    }
    String segment = segments.get(p);
    if (segment.equals(ANY_RUN)) {
      for (int skip = s; skip <= path.depth(); skip++) {
        if (matches(path, p + 1, skip)) {
          return true;
        }
      }
      return false;
    }
    if (s == path.depth()) {
      return false;
    }
    boolean field = path.isField(s);
    boolean ok = segment.equals(ANY_ELEMENT) ? !field : field && (segment.equals(ANY_FIELD) || segment.equals(path.name(s)));
    return ok && matches(path, p + 1, s + 1);
  }

  @Override
  public String toString() {
    return text;
  }
}
