/**
 * The schemas of the kinds the server serves: the OpenAPI v3 schemas of the built-in kinds ({@link
 * dev.converge.inmemory.schema.SchemaCatalog}), and what a kind's schema says about the fields its objects
 * may carry ({@link dev.converge.inmemory.schema.FieldSchema}), for field validation and pruning.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.schema;

import org.jspecify.annotations.NullMarked;
