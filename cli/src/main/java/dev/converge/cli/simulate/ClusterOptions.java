package dev.converge.cli.simulate;

import dev.converge.inmemory.sim.Simulation;
import dev.converge.inmemory.sim.controller.KubeControllerManager.Credentials;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * The options of the simulated cluster that {@code simulate} and {@code serve} share (a picocli mixin): whose
 * credentials kube-controller-manager's controllers carry, whether nodes run kube-proxy, and which images the
 * registry lacks.
 */
public final class ClusterOptions {
  @Option(names = "--use-service-account-credentials",
      description = "Run each kube-controller-manager controller as its service account in kube-system, authorized by"
          + " its system:controller: ClusterRole, as kubeadm and kind set it up (default: every controller acts as"
          + " system:kube-controller-manager, the flag's default).")
  private boolean serviceAccountCredentials;

  @Option(names = "--kube-proxy",
      description = "Run kube-proxy on every node: its watches of every proxied Service and EndpointSlice and of its"
          + " node, as system:kube-proxy (default: no service proxy, as with a CNI that replaces it).")
  private boolean kubeProxy;

  @Option(names = "--missing-image", paramLabel = "IMAGE",
      description = "An image the simulated registry does not have (a reference such as collector:2.1, or a repository:"
          + " every tag): its pulls fail, ErrImagePull then ImagePullBackOff, as for a mistyped tag. Repeatable.")
  private List<String> missingImages = new ArrayList<>();

  /** These options applied to a simulation's builder. */
  public UnaryOperator<Simulation.Builder> customizer() {
    return cluster -> cluster
        .controllerCredentials(serviceAccountCredentials ? Credentials.SERVICE_ACCOUNTS : Credentials.SHARED)
        .kubeProxy(kubeProxy)
        .missingImages(missingImages);
  }
}
