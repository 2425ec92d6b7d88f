package dev.converge.cli.serve;

import dev.converge.api.Plan;
import dev.converge.api.Step;
import dev.converge.api.Action;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.api.Ticker;
import dev.converge.api.DependencyCycleException;
import dev.converge.api.backend.BackendException;
import dev.converge.cli.ManifestChecks;
import dev.converge.core.manifest.ManifestException;
import dev.converge.core.manifest.ManifestReader;
import dev.converge.core.manifest.ManifestSource;
import dev.converge.core.manifest.ManifestSet;
import dev.converge.core.plan.Planner;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.accounting.ApiServerMetrics;
import dev.converge.inmemory.http.HttpFront;
import dev.converge.inmemory.server.Identity;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A running {@code converge serve}: an in-memory cluster (on the wall clock: {@link Ticker#system()}), its nodes,
 * the applied manifests, the HTTP front (with the API server's meters at {@code /metrics}) and the kubeconfig
 * written for it. Tests and embeddings start one with
 * {@link #start}; the command runs one until interrupted.
 */
public final class ConvergeServer implements AutoCloseable {
  /** The field manager of the manifests applied at start. */
  public static final String FIELD_MANAGER = "converge-serve";

  private final InMemoryCluster cluster;
  private final HttpFront front;
  private final Path kubeconfig;
  private final int applied;
  private final PrometheusMeterRegistry metrics;

  private ConvergeServer(InMemoryCluster cluster, HttpFront front, Path kubeconfig, int applied,
      PrometheusMeterRegistry metrics) {
    this.cluster = cluster;
    this.front = front;
    this.kubeconfig = kubeconfig;
    this.applied = applied;
    this.metrics = metrics;
  }

  /**
   * Starts a cluster with {@code nodes} nodes, applies {@code files} (server-side apply as {@value #FIELD_MANAGER},
   * in the order of the planner's plan: namespaces and CRDs before what depends on them), serves it on {@code port}
   * (0: any free port) and writes an admin kubeconfig to {@code kubeconfig}.
   *
   * @throws ManifestException if a file is not a valid manifest, the cluster refuses one of its objects, the
   *     port is taken or the kubeconfig cannot be written: bad input, and nothing is served
   */
  public static ConvergeServer start(int nodes, List<Path> files, int port, Path kubeconfig, long seed) {
    ManifestSet manifests = files.isEmpty() ? null : ManifestReader.defaults().read(files);
    if (manifests != null) {
      ManifestChecks.validate(manifests);
    }
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), seed);
    // One registry per server, never a global one: two servers in one JVM (tests) keep their counts apart.
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ApiServerMetrics.bind(cluster.server(), metrics);
    NodeFleet.register(cluster.server(), nodes);
    int applied = manifests == null ? 0 : apply(cluster, manifests);
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String token = "converge-" + HexFormat.of().formatHex(secret);
    HttpFront front;
    try {
      front = HttpFront.builder(cluster.server()).port(port).adminToken(token).metrics(metrics::scrape).start();
    } catch (UncheckedIOException e) {
      String reason = e.getCause() instanceof BindException ? "already in use" : String.valueOf(e.getCause().getMessage());
      throw ManifestException.input("--port " + port + ": cannot listen on 127.0.0.1:" + port + ": " + reason);
    }
    try {
      Path parent = kubeconfig.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(kubeconfig, front.kubeconfig(token));
    } catch (IOException e) {
      front.close();
      throw ManifestException.input("--kubeconfig " + kubeconfig + ": cannot write: " + ioReason(e));
    }
    return new ConvergeServer(cluster, front, kubeconfig, applied, metrics);
  }

  /**
   * Server-side applies every desired resource, step by step in plan order; returns how many. A refusal (a kind
   * no CRD serves, an admission plugin's veto) is the file's fault: bad input naming it, before anything is
   * served.
   */
  private static int apply(InMemoryCluster cluster, ManifestSet manifests) {
    Plan plan;
    try {
      plan = Planner.builder().types(cluster.server().types()).build().plan(manifests.graph(), Observed.empty());
    } catch (DependencyCycleException e) {
      throw manifests.explain(e);
    }
    int count = 0;
    for (Step step : plan.steps()) {
      for (Action action : step.actions()) {
        Resource resource = manifests.graph().get(action.key()).orElseThrow().resource();
        try {
          cluster.server().apply(Identity.admin(), resource, FIELD_MANAGER, true);
        } catch (BackendException e) {
          throw refused(manifests, resource, e);
        }
        count++;
      }
    }
    return count;
  }

  private static ManifestException refused(ManifestSet manifests, Resource resource, BackendException e) {
    ManifestSource source = manifests.source(resource.key()).orElseThrow();
    if (e instanceof BackendException.NotFound) {
      return ManifestException.document(source, "kind", "the cluster serves no " + resource.groupKind()
          + " (apiVersion " + resource.json().path("apiVersion").asText() + "): add its CustomResourceDefinition to the files", e);
    }
    if (e instanceof BackendException.Invalid invalid && !invalid.causes().isEmpty()) {
      String cause = invalid.causes().get(0);
      int colon = cause.indexOf(": ");
      return colon < 0 ? ManifestException.document(source, "", cause, e)
          : ManifestException.document(source, cause.substring(0, colon), cause.substring(colon + 2), e);
    }
    return ManifestException.document(source, "", "refused by the cluster: " + e.getMessage(), e);
  }

  private static String ioReason(IOException e) {
    return e instanceof java.nio.file.FileAlreadyExistsException exists ? exists.getFile() + " is a file, not a directory"
        : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
            ? Character.toLowerCase(fs.getReason().charAt(0)) + fs.getReason().substring(1)
        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  public InMemoryCluster cluster() {
    return cluster;
  }

  public HttpFront front() {
    return front;
  }

  /** The server's meters ({@code converge.apiserver.*}), served at {@code /metrics}. */
  public PrometheusMeterRegistry metrics() {
    return metrics;
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
    metrics.close();
  }
}
