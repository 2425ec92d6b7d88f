package dev.converge.inmemory.schema;

import java.nio.charset.StandardCharsets;

/**
 * Where Go's {@code base64.StdEncoding.Decode} finds a string corrupt, as {@code encoding/json} decodes a
 * {@code []byte} field ({@code Secret.data}, {@code ConfigMap.binaryData}, a webhook's {@code caBundle}): the
 * offset its {@code CorruptInputError} reports ("illegal base64 data at input byte 4"). Padding is required, line
 * breaks are skipped, and bits left over in the last quantum are not checked (the encoding is not strict).
 */
public final class GoBase64 {
  private GoBase64() {}

  /**
   * Where Go's decoder finds {@code text} corrupt.
   *
   * @param text base64, perhaps with line breaks
   * @return the byte offset of the first corrupt input in {@code text}'s UTF-8 bytes, or -1 when it decodes
   */
  public static int corruptAt(String text) {
    byte[] src = text.getBytes(StandardCharsets.UTF_8);
    int si = 0;
    while (si < src.length) {
      // decodeQuantum: four symbols, or fewer with padding at the end.
      for (int j = 0; j < 4; j++) {
        if (si == src.length) {
          return j == 0 ? -1 : si - j;
        }
        byte in = src[si++];
        if (isSymbol(in)) {
          continue;
        }
        if (in == '\n' || in == '\r') {
          j--;
          continue;
        }
        if (in != '=' || j < 2) {
          return si - 1;
        }
        if (j == 2) {
          // "==" is expected; the first '=' is consumed.
          si = skipLineBreaks(src, si);
          if (si == src.length) {
            return src.length;
          }
          if (src[si] != '=') {
            return si - 1;
          }
          si++;
        }
        si = skipLineBreaks(src, si);
        return si < src.length ? si : -1; // trailing garbage after the padding
      }
    }
    return -1;
  }

  private static boolean isSymbol(byte b) {
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/';
  }

  private static int skipLineBreaks(byte[] src, int si) {
    while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
      si++;
    }
    return si;
  }
}
