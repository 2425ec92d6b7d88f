package dev.converge.api;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Actual state: the live objects a backend reported, with their server fields, keyed and immutable. The
 * executor derives a new snapshot after every write ({@link #with(Resource)}), so the next step plans against
 * what it just wrote.
 */
public final class Observed implements Lookup {
  private static final Observed EMPTY = new Observed(ImmutableSortedMap.of());

  private final ImmutableSortedMap<ResourceKey, Resource> objects;

  private Observed(ImmutableSortedMap<ResourceKey, Resource> objects) {
    this.objects = objects;
  }

  /** {@return the snapshot with no objects} */
  public static Observed empty() {
    return EMPTY;
  }

  /**
   * A snapshot of {@code objects}.
   *
   * @param objects live objects, in any order
   * @return the snapshot, ordered by key
   * @throws IllegalArgumentException if two objects have the same key
   */
  public static Observed of(Collection<Resource> objects) {
    TreeMap<ResourceKey, Resource> map = new TreeMap<>();
    for (Resource object : objects) {
      if (map.put(object.key(), object) != null) {
        throw new IllegalArgumentException("duplicate observed object " + object.key());
      }
    }
    return new Observed(ImmutableSortedMap.copyOfSorted(map));
  }

  @Override
  public Optional<Resource> get(ResourceKey key) {
    return Optional.ofNullable(objects.get(key));
  }

  /**
   * {@return whether the snapshot has an object at {@code key}}
   *
   * @param key the object's key
   */
  public boolean contains(ResourceKey key) {
    return objects.containsKey(key);
  }

  /** {@return all objects, by key} */
  public ImmutableSortedMap<ResourceKey, Resource> objects() {
    return objects;
  }

  /** {@return the number of objects} */
  public int size() {
    return objects.size();
  }

  /** {@return whether the snapshot has no objects} */
  public boolean isEmpty() {
    return objects.isEmpty();
  }

  /**
   * {@return the objects that carry both ownership marks of {@code primary}, by key}
   *
   * @param primary the primary's key
   */
  public ImmutableList<Resource> ownedBy(ResourceKey primary) {
    return objects.values().stream()
        .filter(object -> Ownership.isOwnedBy(object, primary))
        .collect(ImmutableList.toImmutableList());
  }

  /**
   * {@return this snapshot with {@code object} added or replaced}
   *
   * @param object the object as the server returned it
   */
  public Observed with(Resource object) {
    TreeMap<ResourceKey, Resource> map = new TreeMap<>(objects);
    map.put(object.key(), object);
    return new Observed(ImmutableSortedMap.copyOfSorted(map));
  }

  /**
   * {@return this snapshot without {@code key}}
   *
   * @param key the key of the object that is gone
   */
  public Observed without(ResourceKey key) {
    if (!objects.containsKey(key)) {
      return this;
    }
    TreeMap<ResourceKey, Resource> map = new TreeMap<>(objects);
    map.remove(key);
    return new Observed(ImmutableSortedMap.copyOfSorted(map));
  }

  @Override
  public String toString() {
    return "Observed" + objects.keySet();
  }
}
