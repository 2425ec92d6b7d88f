package dev.converge.api.backend;

import com.google.common.collect.ImmutableSet;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.ResourceKey;

/**
 * What to observe: some objects by key (the desired ones), and every object of some kinds that matches a
 * label selector (the owned ones, for pruning).
 *
 * @param keys objects to read by key; absent ones are simply missing from the result
 * @param kinds kinds to list across all namespaces
 * @param labels the selector for {@code kinds}
 */
public record Selection(ImmutableSet<ResourceKey> keys, ImmutableSet<GroupKind> kinds, LabelSelector labels) {

  /**
   * {@return a selection of some objects by key, and nothing by label}
   *
   * @param keys the objects to read
   */
  public static Selection keys(ImmutableSet<ResourceKey> keys) {
    return new Selection(keys, ImmutableSet.of(), LabelSelector.everything());
  }
}
