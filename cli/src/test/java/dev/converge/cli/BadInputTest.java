package dev.converge.cli;

import static dev.converge.cli.CliRun.converge;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Bad input ends {@code converge plan} with exit code 2, one line on stderr naming the file, document and
 * field ({@code error: <file>: document <n>: <field>: <problem>}) and nothing on stdout; {@code --verbose}
 * adds the stack trace. An unexpected exception is exit code 1.
 */
class BadInputTest {
  private static final String BAD = "src/test/resources/bad/";

  private static void assertRejected(CliRun run, String line) {
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(line + System.lineSeparator());
    assertThat(run.exitCode()).isEqualTo(2);
  }

  @Test
  void malformedYaml() {
    assertRejected(converge("plan", "-f", BAD + "malformed.yaml"),
        "error: src/test/resources/bad/malformed.yaml: document 1: line 9, column 1: expected ',' or ']', but got <stream end>"
            + " (while parsing a flow sequence at line 8, column 11)");
  }

  @Test
  void documentWithoutKind() {
    assertRejected(converge("plan", "-f", BAD + "missing-kind.yaml"),
        "error: src/test/resources/bad/missing-kind.yaml: document 2: kind: is required");
  }

  @Test
  void invalidName() {
    assertRejected(converge("plan", "-f", BAD + "bad-name.yaml"),
        "error: src/test/resources/bad/bad-name.yaml: document 1: metadata.name: 'Shop_Settings' is invalid: a lowercase RFC 1123"
            + " subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an"
            + " alphanumeric character (e.g. 'example.com', regex used for validation is"
            + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  }

  @Test
  void aJobSpecTheApiServerRefuses_isRejectedBeforeAnythingRuns_butItsDefaultsCount() {
    assertRejected(converge("plan", "-f", BAD + "job-fail-index.yaml"),
        "error: src/test/resources/bad/job-fail-index.yaml: document 1: spec.podFailurePolicy.rules[0].action: invalid"
            + " value: \"FailIndex\": requires the backoffLimitPerIndex to be set");
    // Valid as the server defaults it (a pattern's status True; completions and parallelism 1).
    CliRun defaulted = converge("plan", "-f", "src/test/resources/jobs/defaulted-indexed.yaml");
    assertThat(defaulted.exitCode()).as(defaulted.err()).isZero();
    assertThat(defaulted.out()).contains("batch/Job/default/sweep");
  }

  @Test
  void duplicateResource_acrossFiles() {
    assertRejected(converge("plan", "-f", "src/test/resources/fixtures/shop", "-f", BAD + "duplicate.yaml"),
        "error: src/test/resources/bad/duplicate.yaml: document 1: metadata.name: duplicate resource ConfigMap/shop/api-settings:"
            + " also defined in src/test/resources/fixtures/shop/10-config.yaml document 1");
  }

  @Test
  void dependencyCycle() {
    assertRejected(converge("plan", "-f", BAD + "cycle.yaml"),
        "error: src/test/resources/bad/cycle.yaml: document 1: metadata.annotations[converge.dev/depends-on]: dependency cycle:"
            + " ConfigMap/default/a depends on ConfigMap/default/b [document 2] (explicit dependency),"
            + " which depends on ConfigMap/default/a (explicit dependency)");
  }

  @Test
  void unknownDependency() {
    assertRejected(converge("plan", "-f", BAD + "unknown-dependency.yaml"),
        "error: src/test/resources/bad/unknown-dependency.yaml: document 1: metadata.annotations[converge.dev/depends-on]:"
            + " ConfigMap/default/nowhere is not in the manifests");
  }

  @Test
  void missingFile() {
    assertRejected(converge("plan", "-f", BAD + "nope.yaml"), "error: src/test/resources/bad/nope.yaml: no such file or directory");
  }

  @Test
  void filesWithoutResources() {
    assertRejected(converge("plan", "-f", BAD + "comments-only.yaml"),
        "error: no resources found in src/test/resources/bad/comments-only.yaml");
  }

  @Test
  void missingFilenameOption() {
    assertRejected(converge("plan"), "error: missing required option: '--filename=FILE' (see 'converge plan --help')");
  }

  @Test
  void unknownOutputFormat() {
    assertRejected(converge("plan", "-f", "src/test/resources/fixtures/shop", "-o", "yaml"),
        "error: invalid value for option '--output': expected one of [text, json] (case-insensitive) but was 'yaml'"
            + " (see 'converge plan --help')");
  }

  @Test
  void unknownCommand_suggestsTheNearestOne() {
    assertRejected(converge("plam", "-f", "x.yaml"),
        "error: unmatched arguments from index 0: 'plam', '-f', 'x.yaml' (did you mean plan or apply or simulate?) (see 'converge --help')");
  }

  @Test
  void verbose_addsTheStackTrace_beforeOrAfterTheCommand() {
    for (String[] args : new String[][] {
        {"--verbose", "plan", "-f", BAD + "missing-kind.yaml"}, {"plan", "-f", BAD + "missing-kind.yaml", "--verbose"}}) {
      CliRun run = converge(args);

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err().lines().limit(2)).containsExactly(
          "error: src/test/resources/bad/missing-kind.yaml: document 2: kind: is required",
          "dev.converge.core.manifest.ManifestException: src/test/resources/bad/missing-kind.yaml: document 2: kind: is required");
      assertThat(run.err().lines().skip(2).findFirst()).hasValueSatisfying(frame -> assertThat(frame).startsWith("\tat dev.converge."));
    }
  }

  @Test
  void unexpectedException_isAnInternalError_exitCode1() {
    ActualState broken = desired -> {
      throw new IllegalStateException("backend exploded");
    };

    CliRun run = converge(broken, "plan", "-f", "src/test/resources/fixtures/shop");

    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(
        "error: internal error: java.lang.IllegalStateException: backend exploded (run with --verbose for the stack trace)"
            + System.lineSeparator());
    assertThat(run.exitCode()).isEqualTo(1);
  }
}
