package dev.converge.cli.serve;

import dev.converge.api.Plan;
import dev.converge.api.Step;
import dev.converge.api.Action;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.api.Ticker;
import dev.converge.core.manifest.ManifestReader;
import dev.converge.core.manifest.ManifestSet;
import dev.converge.core.plan.Planner;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.http.HttpFront;
import dev.converge.inmemory.server.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A running {@code converge serve}: an in-memory cluster (on the wall clock: {@link Ticker#system()}), its nodes,
 * the applied manifests, the HTTP front and the kubeconfig written for it. Tests and embeddings start one with
 * {@link #start}; the command runs one until interrupted.
 */
public final class ConvergeServer implements AutoCloseable {
  /** The field manager of the manifests applied at start. */
  public static final String FIELD_MANAGER = "converge-serve";

  private final InMemoryCluster cluster;
  private final HttpFront front;
  private final Path kubeconfig;
  private final int applied;

  private ConvergeServer(InMemoryCluster cluster, HttpFront front, Path kubeconfig, int applied) {
    this.cluster = cluster;
    this.front = front;
    this.kubeconfig = kubeconfig;
    this.applied = applied;
  }

  /**
   * Starts a cluster with {@code nodes} nodes, applies {@code files} (server-side apply as {@value #FIELD_MANAGER},
   * in the order of the planner's plan: namespaces and CRDs before what depends on them), serves it on {@code port}
   * (0: any free port) and writes an admin kubeconfig to {@code kubeconfig}.
   *
   * @throws dev.converge.core.manifest.ManifestException if a file is not a valid manifest (nothing is served)
   * @throws UncheckedIOException if the port is taken or the kubeconfig cannot be written
   */
  public static ConvergeServer start(int nodes, List<Path> files, int port, Path kubeconfig, long seed) {
    ManifestSet manifests = files.isEmpty() ? null : ManifestReader.defaults().read(files);
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), seed);
    NodeFleet.register(cluster.server(), nodes);
    int applied = manifests == null ? 0 : apply(cluster, manifests);
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String token = "converge-" + HexFormat.of().formatHex(secret);
    HttpFront front = HttpFront.builder(cluster.server()).port(port).adminToken(token).start();
    try {
      Path parent = kubeconfig.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(kubeconfig, front.kubeconfig(token));
    } catch (IOException e) {
      front.close();
      throw new UncheckedIOException("cannot write the kubeconfig " + kubeconfig, e);
    }
    return new ConvergeServer(cluster, front, kubeconfig, applied);
  }

  /** Server-side applies every desired resource, step by step in plan order; returns how many. */
  private static int apply(InMemoryCluster cluster, ManifestSet manifests) {
    Plan plan = Planner.builder().types(cluster.server().types()).build().plan(manifests.graph(), Observed.empty());
    int count = 0;
    for (Step step : plan.steps()) {
      for (Action action : step.actions()) {
        Resource resource = manifests.graph().get(action.key()).orElseThrow().resource();
        cluster.server().apply(Identity.admin(), resource, FIELD_MANAGER, true);
        count++;
      }
    }
    return count;
  }

  public InMemoryCluster cluster() {
    return cluster;
  }

  public HttpFront front() {
    return front;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** How many resources the manifests held (all applied). */
  public int applied() {
    return applied;
  }

  @Override
  public void close() {
    front.close();
  }
}
