package dev.converge.guides;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Builds {@code src/it/outside-operator}, a separate Maven project that imports {@code converge-bom} and
 * depends on {@code engine-api}, {@code engine-core}, {@code backend-inmemory} and {@code testkit} as an
 * outside operator would, and runs its tests against the in-memory backend.
 *
 * <p>The artifacts come from a private local repository ({@code target/outside-it/repository}), into which
 * this module's {@code pre-integration-test} phase installs what this reactor built. Everything else the
 * build needs (plugins, Guava, Jackson, JUnit) is read from the outer build's local repository through a
 * {@code file:} mirror, so the build needs no network, and it never writes {@code ~/.m2}: a
 * {@code dev.converge} snapshot leaking there would shadow other builds' reactors on the same machine.
 */
class OutsideProjectIT {
  private static final Path PROJECT = Path.of("src/it/outside-operator");
  private static final Path WORK = Path.of("target/outside-it");

  @Test
  void anOutsideProject_buildsAgainstTheBomAndTheInstalledArtifacts_andItsTestsPass() throws Exception {
    Path repository = Path.of(System.getProperty("outside.repository"));
    Path mirror = Path.of(System.getProperty("outside.mirror"));
    Path ownArtifacts = mirror.resolve("dev/converge");
    boolean mirrorHadOurs = Files.exists(ownArtifacts);
    assertThat(repository.resolve("dev/converge/engine-core/0.1.0-SNAPSHOT/engine-core-0.1.0-SNAPSHOT.jar"))
        .as("installed by pre-integration-test").isRegularFile();

    Path project = WORK.resolve("outside-operator");
    deleteRecursively(project);
    copyRecursively(PROJECT, project);
    Files.createDirectories(project.resolve(".mvn")); // the project's root: no .mvn of an enclosing directory applies
    Path settings = WORK.resolve("settings.xml");
    // Central is the outer repository (a local repository has no checksum files, hence "ignore"); any other
    // repository a POM might declare is mirrored to it too, so nothing is ever fetched from the network.
    Files.writeString(settings, """
        <settings>
          <mirrors>
            <mirror><id>outer-build-others</id><mirrorOf>*,!central</mirrorOf><url>%1$s</url></mirror>
          </mirrors>
          <profiles>
            <profile>
              <id>outer-build</id>
              <repositories>
                <repository><id>central</id><url>%1$s</url><snapshots><enabled>false</enabled></snapshots>
                  <releases><checksumPolicy>ignore</checksumPolicy></releases></repository>
              </repositories>
              <pluginRepositories>
                <pluginRepository><id>central</id><url>%1$s</url><snapshots><enabled>false</enabled></snapshots>
                  <releases><checksumPolicy>ignore</checksumPolicy></releases></pluginRepository>
              </pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>outer-build</activeProfile></activeProfiles>
        </settings>
        """.formatted(mirror.toUri()));
    Path log = WORK.resolve("build.log");

    List<String> command = new ArrayList<>(List.of(maven(), "-B", "-s", settings.toAbsolutePath().toString(),
        "-Dmaven.repo.local=" + repository.toAbsolutePath(), "verify"));
    Process build = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    boolean finished = build.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      build.destroyForcibly().waitFor();
    }
    String output = Files.readString(log);

    assertThat(finished).as("the outside build finished within 5 minutes; its log:%n%s", output).isTrue();
    assertThat(build.exitValue()).as("the outside build's exit code; its log:%n%s", output).isZero();
    assertThat(output).contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0", "BUILD SUCCESS");
    assertThat(project.resolve("target/greeting-operator-1.0.0.jar")).isRegularFile();
    assertThat(Files.exists(ownArtifacts)).as("%s exists after the build", ownArtifacts).isEqualTo(mirrorHadOurs);
  }

  /** {@code mvn} of the Maven running this build, else the one on the PATH. */
  private static String maven() {
    String home = System.getProperty("outside.mavenHome", "");
    String name = File.separatorChar == '\\' ? "mvn.cmd" : "mvn";
    Path executable = Path.of(home, "bin", name);
    return !home.isEmpty() && Files.isExecutable(executable) ? executable.toString() : name;
  }

  private static void copyRecursively(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
