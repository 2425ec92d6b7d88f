package dev.converge.inmemory.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, just enough to write messages of strings and nested messages (what the OpenAPI v2
 * document kubectl downloads is made of): each field is a varint key ({@code number << 3 | wire type}) followed
 * by a varint length and the bytes.
 */
final class ProtoWriter {
  private static final int LENGTH_DELIMITED = 2;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A string field; proto3 omits empty strings. */
  ProtoWriter string(int field, String value) {
    if (!value.isEmpty()) {
      bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }
    return this;
  }

  /** A nested message field. */
  ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.toByteArray());
  }

  private ProtoWriter bytes(int field, byte[] value) {
    varint(((long) field << 3) | LENGTH_DELIMITED);
    varint(value.length);
    out.write(value, 0, value.length);
    return this;
  }

  private void varint(long value) {
    long rest = value;
    while ((rest & ~0x7FL) != 0) {
      out.write((int) ((rest & 0x7F) | 0x80));
      rest >>>= 7;
    }
    out.write((int) rest);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
