/**
 * Watches: selector-aware event fan-out from the store's change feed, and the {@link dev.converge.inmemory.watch.WatchDispatcher} seam that decides on which thread (or virtual time) events are delivered.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.watch;

import org.jspecify.annotations.NullMarked;
