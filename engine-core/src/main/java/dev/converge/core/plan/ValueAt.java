package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Normalizer} sees: a desired value that differs from the live one, and where.
 *
 * @param kind the kind of the object being compared
 * @param path the rendered path ({@code spec.template.spec.containers[name=agent].resources.limits.cpu})
 * @param field the innermost object field of the path ({@code cpu}), or empty on a list element
 * @param desired the desired value (frozen)
 * @param live the live value, or null when the live object lacks the field
 * @param liveObject the whole live object, for rules that read elsewhere ({@code stringData} reads {@code data})
 */
public record ValueAt(GroupKind kind, String path, String field, JsonNode desired, @Nullable JsonNode live, ObjectNode liveObject) {}
