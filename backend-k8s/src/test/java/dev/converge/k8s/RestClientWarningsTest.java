package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code Warning} headers as kube-apiserver writes them ({@code 299 - "text"}) and client-go's {@code
 * ParseWarningHeaders} reads them: the quoted text unescaped, several warnings in one header, codes other than
 * 299 ignored.
 */
class RestClientWarningsTest {
  @Test
  void warningHeaders_yieldTheTextsOf299Warnings() {
    assertThat(RestClient.warnings("299 - \"example.com/v1alpha1 Widget is deprecated; use example.com/v1 Widget\""))
        .containsExactly("example.com/v1alpha1 Widget is deprecated; use example.com/v1 Widget");
    assertThat(RestClient.warnings("299 - \"unknown field \\\"spec.replicass\\\"\""))
        .containsExactly("unknown field \"spec.replicass\"");
    assertThat(RestClient.warnings("299 - \"one\", 299 kube-apiserver \"two, with a comma\" \"Thu, 01 Jan 2026 00:00:00 GMT\""))
        .containsExactly("one", "two, with a comma");
    assertThat(RestClient.warnings("199 - \"miscellaneous\"")).isEmpty();
    assertThat(RestClient.warnings("garbage")).isEmpty();
  }
}
