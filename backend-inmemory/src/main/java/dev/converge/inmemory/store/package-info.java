/**
 * The versioned object store: objects of each kind ordered by namespace and name, one global revision counter, and a bounded per-kind change history that serves watches and consistent list pages (the role etcd and the watch cache play in Kubernetes).
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.store;

import org.jspecify.annotations.NullMarked;
