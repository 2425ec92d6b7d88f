/**
 * Seeded fault injection as a request interceptor: error rates per verb (500, 429 with Retry-After), conflicts and watch drops.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.faults;

import org.jspecify.annotations.NullMarked;
