package dev.converge.inmemory.server;

import java.util.SplittableRandom;

/**
 * Object uids: random (version 4) UUIDs as kube-apiserver generates them, drawn from a seeded generator so
 * that the same seed and the same requests give the same uids.
 */
final class Uids {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789".toCharArray();
  private final SplittableRandom random;

  Uids(long seed) {
    this.random = new SplittableRandom(seed);
  }

  String next() {
    long high = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long low = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    char[] out = new char[36];
    int pos = 0;
    for (int i = 0; i < 16; i++) {
      long word = i < 8 ? high : low;
      int shift = (7 - (i % 8)) * 8;
      int b = (int) (word >>> shift) & 0xff;
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        out[pos++] = '-';
      }
      out[pos++] = HEX[b >>> 4];
      out[pos++] = HEX[b & 0xf];
    }
    return new String(out);
  }

  /** Five characters of {@code utilrand.String}'s alphabet: the suffix of a generated name. */
  String nameSuffix() {
    char[] out = new char[5];
    for (int i = 0; i < out.length; i++) {
      out[i] = NAME_CHARS[random.nextInt(NAME_CHARS.length)];
    }
    return new String(out);
  }
}
