/**
 * Kubernetes' patch and apply algorithms as pure functions over Jackson trees: JSON merge patch (RFC 7386),
 * JSON patch (RFC 6902), strategic merge patch for built-in kinds, and server-side apply with {@code
 * managedFields}, field managers, conflicts and {@code force}.
 *
 * <p>Nothing here holds server state: the in-memory API server reads the live object, calls one of these
 * functions and stores the result. Inputs are never modified (they may be frozen trees whose mutators
 * throw). Every result has a new, mutable root; server-side apply and the managed-fields bookkeeping keep
 * the frozen subtrees of their inputs that they leave unchanged (and write managed fields frozen), so that a
 * write costs what it changes, not the size of the object. A {@link dev.converge.inmemory.patch.FieldSetMemo}
 * lets a server skip decoding the managed fields it wrote itself.
 *
 * <p>The list semantics come from {@link dev.converge.core.schema.ListKeys}, the same table the planner's
 * diff uses, so that the engine and the simulated server agree on which list elements are "the same".
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.patch;

import org.jspecify.annotations.NullMarked;
