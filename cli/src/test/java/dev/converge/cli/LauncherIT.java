package dev.converge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script {@code ./converge}, run by bash. In a scratch copy of the repository layout, with
 * stand-ins for {@code mvn} and {@code java} on the PATH, it builds exactly when the jar is missing or older
 * than a source or pom.xml of a module the CLI is made from, keeps the build's output off stdout, stops on
 * a failed build, and otherwise runs {@code java -jar cli/target/converge.jar} with the arguments, quietly,
 * with the JVM options of {@code CONVERGE_JAVA_OPTS} or else {@code -XX:+UseParallelGC}.
 * File times are set explicitly; nothing waits. Last, the real launcher runs the real jar this build made.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("../converge").toAbsolutePath().normalize();
  private static final FileTime JAR_TIME = FileTime.fromMillis(1_700_000_000_000L);
  private static final FileTime OLDER = FileTime.fromMillis(JAR_TIME.toMillis() - 60_000);
  private static final FileTime NEWER = FileTime.fromMillis(JAR_TIME.toMillis() + 60_000);

  @TempDir Path root;
  private Path bin;
  private Path jar;
  private Path buildLog;

  /** Exit code and output of one launcher run. */
  record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void scratchRepository() throws IOException {
    Files.copy(LAUNCHER, root.resolve("converge"));
    root.resolve("converge").toFile().setExecutable(true);
    for (String file : List.of("pom.xml", "engine-api/pom.xml", "engine-api/src/main/java/A.java", "engine-core/pom.xml",
        "engine-core/src/main/java/B.java", "backend-inmemory/pom.xml", "cli/pom.xml", "cli/src/main/java/C.java",
        "testkit/pom.xml", "testkit/src/main/java/D.java")) {
      touch(root.resolve(file), OLDER);
    }
    jar = root.resolve("cli/target/converge.jar");
    buildLog = root.resolve("build.log");
    bin = Files.createDirectories(root.resolve("bin"));
    script(bin, "mvn", """
        echo "maven says hello on stdout"
        echo "$PWD $*" >> "%s"
        if [[ -n "${FAIL_BUILD:-}" ]]; then echo "[ERROR] compilation failed"; exit 1; fi
        mkdir -p cli/target && touch cli/target/converge.jar
        """.formatted(buildLog));
    script(bin, "java", "echo \"java $*\"");
    // Creating the files above made their directories new; a directory's time counts too (see deletedSource_rebuilds).
    try (var paths = Files.walk(root)) {
      for (Path path : paths.filter(Files::isDirectory).toList()) {
        Files.setLastModifiedTime(path, OLDER);
      }
    }
  }

  @Test
  void missingJar_isBuilt_thenRun() throws Exception {
    Run run = launch(Map.of(), "plan", "-f", "x.yaml");

    assertThat(run.exitCode()).isZero();
    assertThat(Files.readString(buildLog)).isEqualTo(root + " -B -q -DskipTests -pl cli -am package\n");
    assertThat(run.out()).isEqualTo("java -XX:+UseParallelGC -jar " + runJar() + " plan -f x.yaml\n");
    assertThat(run.err()).isEqualTo(
        "converge: building cli/target/converge.jar (mvn -B -q -DskipTests -pl cli -am package)...\nmaven says hello on stdout\n");
  }

  @Test
  void freshJar_runsQuietly_withoutBuilding() throws Exception {
    touch(jar, JAR_TIME);

    Run run = launch(Map.of(), "plan", "-o", "json", "-f", "a b.yaml");

    assertThat(run).isEqualTo(new Run(0, "java -XX:+UseParallelGC -jar " + runJar() + " plan -o json -f a b.yaml\n", ""));
    assertThat(buildLog).doesNotExist();
  }

  @Test
  void javaOptions_comeFromConvergeJavaOpts_whenSet() throws Exception {
    touch(jar, JAR_TIME);

    Run chosen = launch(Map.of("CONVERGE_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC"), "simulate", "--nodes", "5");
    Run none = launch(Map.of("CONVERGE_JAVA_OPTS", " "), "plan");

    assertThat(chosen).isEqualTo(new Run(0, "java -Xmx512m -XX:+UseSerialGC -jar " + runJar() + " simulate --nodes 5\n", ""));
    assertThat(none).isEqualTo(new Run(0, "java -jar " + runJar() + " plan\n", ""));
  }

  @Test
  void newerSourceOrPom_ofAModuleTheCliNeeds_rebuilds() throws Exception {
    for (String changed : List.of("engine-core/src/main/java/B.java", "engine-api/pom.xml", "cli/src/main/java/C.java", "pom.xml")) {
      touch(jar, JAR_TIME);
      touch(root.resolve(changed), NEWER);

      Run run = launch(Map.of(), "plan");

      assertThat(run.exitCode()).as(changed).isZero();
      assertThat(Files.readAllLines(buildLog)).as(changed).hasSize(1);
      Files.delete(buildLog);
      touch(root.resolve(changed), OLDER);
    }
  }

  @Test
  void deletedSource_rebuilds_becauseItsDirectoryChanged() throws Exception {
    touch(jar, JAR_TIME);
    Files.delete(root.resolve("engine-core/src/main/java/B.java"));

    Run run = launch(Map.of(), "plan");

    assertThat(run.exitCode()).isZero();
    assertThat(Files.readAllLines(buildLog)).hasSize(1);
  }

  @Test
  void newerSource_ofAModuleTheCliDoesNotNeed_doesNotRebuild() throws Exception {
    touch(jar, JAR_TIME);
    touch(root.resolve("testkit/src/main/java/D.java"), NEWER);
    touch(root.resolve("testkit/pom.xml"), NEWER);

    Run run = launch(Map.of(), "plan");

    assertThat(run.err()).isEmpty();
    assertThat(buildLog).doesNotExist();
  }

  @Test
  void failedBuild_stopsWithExitCode1_andDoesNotRun() throws Exception {
    Run run = launch(Map.of("FAIL_BUILD", "1"), "plan");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).endsWith("[ERROR] compilation failed\nconverge: the build failed; see the messages above\n");
  }

  @Test
  void realLauncher_runsTheJarThisBuildMade_quietly() throws Exception {
    // The build just packaged the jar, so the launcher must not build; a stand-in mvn fails loudly if it tries,
    // rather than start a second Maven inside this one.
    Path guard = Files.createDirectories(root.resolve("guard"));
    script(guard, "mvn", "echo 'the launcher tried to build although the jar is fresh'; exit 3");

    Run run = run(List.of(LAUNCHER.toString(), "plan", "-f", "cli/src/test/resources/fixtures/shop"), LAUNCHER.getParent(), guard);

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(Files.readString(Path.of("src/test/resources/golden/shop-plan.txt")));
  }

  @Test
  void aRebuild_replacesTheRunCopyByRename_soAJvmStillRunningFromTheOldCopyKeepsReadingIt() throws Exception {
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "first build");
    touch(jar, JAR_TIME);
    assertThat(launch(Map.of(), "serve").exitCode()).isZero();
    try (FileChannel serving = FileChannel.open(runJar())) { // a `converge serve` running from the first build
      Files.writeString(jar, "the second build, rewritten in place"); // as the shade plugin writes the jar
      Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));

      Run plan = launch(Map.of(), "plan");

      assertThat(plan.out()).isEqualTo("java -XX:+UseParallelGC -jar " + runJar() + " plan\n");
      assertThat(Files.readString(runJar())).isEqualTo("the second build, rewritten in place");
      ByteBuffer first = ByteBuffer.allocate(64);
      serving.read(first, 0);
      assertThat(new String(first.array(), 0, first.position(), StandardCharsets.UTF_8)).isEqualTo("first build");
    }
  }

  private Path runJar() {
    return root.resolve("cli/target/run/converge.jar");
  }

  private Run launch(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(root.resolve("converge").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    // The launcher's defaults are under test, not the options of whoever runs the tests.
    builder.environment().remove("CONVERGE_JAVA_OPTS");
    builder.environment().putAll(env);
    return run(builder, bin);
  }

  private Run run(List<String> command, Path directory, Path stubs) throws Exception {
    return run(new ProcessBuilder(command).directory(directory.toFile()), stubs);
  }

  /** Runs with {@code stubs} first on the PATH, so its scripts stand in for the real commands of that name. */
  private Run run(ProcessBuilder builder, Path stubs) throws Exception {
    builder.environment().put("PATH", stubs + ":" + System.getenv("PATH"));
    Path out = root.resolve("stdout");
    Path err = root.resolve("stderr");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  private static void script(Path directory, String name, String body) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
    file.toFile().setExecutable(true);
  }

  private static void touch(Path file, FileTime time) throws IOException {
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      Files.createFile(file);
    }
    Files.setLastModifiedTime(file, time);
  }
}
