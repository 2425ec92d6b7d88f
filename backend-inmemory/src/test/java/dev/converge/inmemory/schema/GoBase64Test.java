package dev.converge.inmemory.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link GoBase64} reports the offsets Go's {@code base64.StdEncoding.Decode} reports ({@code decodeQuantum}'s
 * {@code CorruptInputError}), and accepts what the JDK's encoder writes.
 */
class GoBase64Test {
  @Test
  void plainTextUnderData_isCorruptWhereGoSaysSo() {
    // The offsets kubectl users meet ("illegal base64 data at input byte N").
    assertThat(GoBase64.corruptAt("admin")).isEqualTo(4); // a quantum of one symbol at the end
    assertThat(GoBase64.corruptAt("My-pass-123")).isEqualTo(2); // '-' is not a symbol
    assertThat(GoBase64.corruptAt("s3cr3t-not-for-production")).isEqualTo(6);
    assertThat(GoBase64.corruptAt("YWRtaW4")).isEqualTo(4); // padding missing: the last quantum's start
    assertThat(GoBase64.corruptAt("aé")).isEqualTo(1); // offsets count UTF-8 bytes
  }

  @Test
  void padding_isRequiredWhereItBelongs_andNothingMayFollowIt() {
    assertThat(GoBase64.corruptAt("YWRtaW4=")).isEqualTo(-1);
    assertThat(GoBase64.corruptAt("YQ==")).isEqualTo(-1);
    assertThat(GoBase64.corruptAt("YQ=")).isEqualTo(3); // "==" expected, input ends
    assertThat(GoBase64.corruptAt("YQ=x")).isEqualTo(2); // the second '=' is not there
    assertThat(GoBase64.corruptAt("YQ==x")).isEqualTo(4); // trailing garbage
    assertThat(GoBase64.corruptAt("YWJj=")).isEqualTo(4); // '=' opening a quantum
    assertThat(GoBase64.corruptAt("Y===")).isEqualTo(1);
    assertThat(GoBase64.corruptAt("=")).isEqualTo(0);
  }

  @Test
  void lineBreaks_areSkipped_andEmptyDecodes() {
    assertThat(GoBase64.corruptAt("")).isEqualTo(-1);
    assertThat(GoBase64.corruptAt("YWRt\naW4=\r\n")).isEqualTo(-1);
    assertThat(GoBase64.corruptAt("YQ=\n=")).isEqualTo(-1);
    assertThat(GoBase64.corruptAt("YWRt aW4=")).isEqualTo(4); // a space is not skipped
  }

  @Test
  void whatTheJdkEncodes_decodes() {
    SplittableRandom random = new SplittableRandom(7);
    for (int length = 0; length < 64; length++) {
      byte[] bytes = new byte[length];
      for (int i = 0; i < length; i++) {
        bytes[i] = (byte) random.nextInt(256);
      }
      assertThat(GoBase64.corruptAt(Base64.getEncoder().encodeToString(bytes))).as("length %d", length).isEqualTo(-1);
      assertThat(GoBase64.corruptAt(Base64.getMimeEncoder().encodeToString(bytes))).isEqualTo(-1);
    }
    assertThat(GoBase64.corruptAt(Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8))
        .replace("=", ""))).isEqualTo(0);
  }
}
