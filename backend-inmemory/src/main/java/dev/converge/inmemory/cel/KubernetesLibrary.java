package dev.converge.inmemory.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/** The Kubernetes CEL libraries of CRD rules ({@code k8s.io/apiserver/pkg/cel/library}). */
final class KubernetesLibrary {
  private KubernetesLibrary() {}

  static List<CelFunctionDecl> declarations() {
    return List.of();
  }

  static List<CelFunctionBinding> bindings() {
    return List.of();
  }
}
