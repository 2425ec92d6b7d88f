/**
 * The {@code converge} command line: {@code plan} here, {@code apply} and {@code serve} in their packages, all
 * sub-commands of {@link dev.converge.cli.ConvergeCommand} sharing its manifest options and error reporting;
 * {@code dev.converge.cli.cluster} holds the {@code --kubeconfig} and {@code --owner/--prune} options they share.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.cli;

import org.jspecify.annotations.NullMarked;
