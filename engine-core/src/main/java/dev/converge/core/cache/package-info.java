/**
 * The engine's watch cache, modelled on client-go's {@code SharedInformer}: one {@link
 * dev.converge.core.cache.WatchCache} holds an informer per watched kind (list once, then watch from the list's
 * resourceVersion; resume from the last version seen after a drop; re-list after {@code 410 Gone}; bookmarks
 * keep the version fresh) and tells its listeners about each change after its store holds it. {@link
 * dev.converge.core.cache.CachedBackend} answers reads of cached kinds from memory, with the engine's own
 * writes fed in, so that a converged pass makes no request at all (DESIGN.md §9: "0 reads outside the watch
 * cache").
 *
 * <p>Reconnects and re-lists are scheduled on a {@link dev.converge.core.time.TaskScheduler}, so a simulation
 * drives them on its virtual clock and stays deterministic.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.core.cache;

import org.jspecify.annotations.NullMarked;
