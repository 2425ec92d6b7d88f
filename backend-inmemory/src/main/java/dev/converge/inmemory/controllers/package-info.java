/**
 * Built-in controllers that react to changes: garbage collector, namespace controller, CRD controller. By default they run to completion after each request; a simulation can step them instead.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.controllers;

import org.jspecify.annotations.NullMarked;
