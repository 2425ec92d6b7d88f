package dev.converge.inmemory.server;

import dev.converge.api.ResourceType;
import org.jspecify.annotations.Nullable;

/**
 * A version of a custom kind served besides its storage version ({@code served: true} in the CRD). Objects are
 * stored in the storage version and converted with the {@code None} strategy: only {@code apiVersion} changes.
 *
 * @param type the kind at this version (its status subresource is this version's)
 * @param deprecationWarning the warning every request at this version gets ({@code deprecated: true}), or null
 */
public record ServedVersion(ResourceType type, @Nullable String deprecationWarning) {}
