/**
 * The {@code converge} command line: {@code converge plan} now; {@code apply}, {@code simulate} and {@code
 * serve} join as sub-commands of {@link dev.converge.cli.ConvergeCommand} and reuse its manifest options,
 * actual-state seam and error reporting.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.cli;

import org.jspecify.annotations.NullMarked;
