package dev.converge.core.plan;

import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Normalizer}s the diff consults, each registered for one kind (or every kind) and a path
 * pattern ({@code spec.clusterIP}, {@code stringData.*}, {@code **.resources.limits.*}; see
 * {@link #with(GroupKind, String, Normalizer)}). Immutable: {@code with…} returns a new registry. Rules are
 * consulted in registration order.
 *
 * <p>{@link #builtins()} holds the rules that keep a diff against what a Kubernetes API server returns
 * quiet: quantities by amount, Secret {@code stringData} against base64 {@code data}, and a Service's empty
 * {@code clusterIP} against the allocated one.
 */
public final class NormalizerRegistry {
  private static final NormalizerRegistry EMPTY = new NormalizerRegistry(ImmutableList.of());
  private static final NormalizerRegistry BUILTINS = BuiltinNormalizers.register(EMPTY);

  /** One registration. */
  record Entry(@Nullable GroupKind kind, PathPattern pattern, Normalizer rule) {
    boolean appliesTo(GroupKind subject) {
      return kind == null || kind.equals(subject);
    }
  }

  private final ImmutableList<Entry> entries;

  private NormalizerRegistry(ImmutableList<Entry> entries) {
    this.entries = entries;
  }

  /** No rules: values compare by the built-in scalar rules only (numbers by value, int-or-string, zero values). */
  public static NormalizerRegistry empty() {
    return EMPTY;
  }

  /** The built-in rules. */
  public static NormalizerRegistry builtins() {
    return BUILTINS;
  }

  /**
   * This registry plus {@code rule} for objects of {@code kind} at paths matching {@code pathPattern}:
   * dotted fields, {@code *} for any one field, a {@code [*]} suffix for any list element, {@code **} for any
   * run of segments.
   *
   * @throws IllegalArgumentException if the pattern is malformed
   */
  public NormalizerRegistry with(GroupKind kind, String pathPattern, Normalizer rule) {
    return add(new Entry(Objects.requireNonNull(kind), PathPattern.compile(pathPattern), rule));
  }

  /** This registry plus {@code rule} for objects of every kind; see {@link #with(GroupKind, String, Normalizer)}. */
  public NormalizerRegistry withAll(String pathPattern, Normalizer rule) {
    return add(new Entry(null, PathPattern.compile(pathPattern), rule));
  }

  /** This registry followed by every rule of {@code other}. */
  public NormalizerRegistry with(NormalizerRegistry other) {
    return new NormalizerRegistry(ImmutableList.<Entry>builder().addAll(entries).addAll(other.entries).build());
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  /** The rules that apply to {@code kind}, in registration order. */
  ImmutableList<Entry> forKind(GroupKind kind) {
    ImmutableList.Builder<Entry> result = ImmutableList.builder();
    for (Entry entry : entries) {
      if (entry.appliesTo(kind)) {
        result.add(entry);
      }
    }
    return result.build();
  }

  private NormalizerRegistry add(Entry entry) {
    return new NormalizerRegistry(ImmutableList.<Entry>builder().addAll(entries).add(entry).build());
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("NormalizerRegistry[");
    for (int i = 0; i < entries.size(); i++) {
      Entry entry = entries.get(i);
      out.append(i == 0 ? "" : ", ").append(entry.kind() == null ? "*" : entry.kind()).append(':').append(entry.pattern());
    }
    return out.append(']').toString();
  }
}
