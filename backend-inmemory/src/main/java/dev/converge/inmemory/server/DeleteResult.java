package dev.converge.inmemory.server;

import dev.converge.api.Resource;

/**
 * The outcome of a delete.
 *
 * @param object the object as it is now: marked for deletion (with {@code deletionTimestamp}) when it is
 *     still there, else its last state
 * @param deleted whether the object is gone from the store
 */
public record DeleteResult(Resource object, boolean deleted) {}
