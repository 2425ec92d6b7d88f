package dev.converge.core.manifest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One non-empty YAML document of a manifest file, as a mutable tree that the reader normalises before it
 * freezes it into a resource.
 *
 * @param source the file and the document's index in it
 * @param tree the parsed document
 */
record YamlDocument(ManifestSource source, JsonNode tree) {}
