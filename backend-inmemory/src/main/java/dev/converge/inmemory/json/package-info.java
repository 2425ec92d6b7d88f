/**
 * Copy-on-write helpers for editing frozen JSON trees without deep copies.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.json;

import org.jspecify.annotations.NullMarked;
