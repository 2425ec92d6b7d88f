/**
 * The batch API's rules that both the API server and the simulated controllers need: the CronJob schedule
 * (five cron fields, descriptors, time zones) as Kubernetes parses and evaluates it.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.batch;

import org.jspecify.annotations.NullMarked;
