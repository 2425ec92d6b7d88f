package dev.converge.api.backend;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Resource;
import org.jspecify.annotations.Nullable;

/**
 * One page of a list.
 *
 * @param items the objects, ordered by namespace and name
 * @param resourceVersion the collection's version at the time of the list; a watch from it sees every later change
 * @param continueToken the token for the next page, or null on the last page
 */
public record ListResult(ImmutableList<Resource> items, String resourceVersion, @Nullable String continueToken) {}
