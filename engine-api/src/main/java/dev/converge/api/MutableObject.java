package dev.converge.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A mutable object node over {@link MutableFields}: what {@link Json#mutableCopy} makes of a small object. It
 * is an ordinary {@link ObjectNode} to every caller (Jackson reads and edits it through its member map);
 * {@link Json#freeze} recognises it and reuses the shape it was copied with.
 */
final class MutableObject extends ObjectNode {
  private static final long serialVersionUID = 1L;

  final transient MutableFields fields;

  MutableObject(MutableFields fields) {
    super(Json.nodes(), fields);
    this.fields = fields;
  }
}
