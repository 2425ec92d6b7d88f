package dev.converge.examples.datadog.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import org.jspecify.annotations.Nullable;

/**
 * {@code spec.override.<component>}: what a user changes in one component after the features have rendered it.
 *
 * @param image the image to run, if overridden
 * @param replicas the replica count of a Deployment component (ignored for the node agents' DaemonSet)
 * @param env variables set on every container of the component (replacing one of the same name)
 * @param nodeSelector merged into the rendered node selector
 * @param tolerations appended to the rendered tolerations
 * @param labels added to the pod template's labels
 * @param annotations added to the pod template's annotations
 * @param serviceAccountName an existing service account to run as; the operator then creates none
 * @param createPodDisruptionBudget whether to create a PodDisruptionBudget for the component
 * @param disabled whether the component is not deployed at all
 */
public record ComponentOverride(
    @Nullable ImageConfig image,
    @Nullable Integer replicas,
    ImmutableList<EnvVar> env,
    ImmutableMap<String, String> nodeSelector,
    ImmutableList<Toleration> tolerations,
    ImmutableMap<String, String> labels,
    ImmutableMap<String, String> annotations,
    @Nullable String serviceAccountName,
    boolean createPodDisruptionBudget,
    boolean disabled) {

  private static final ComponentOverride NONE = new ComponentOverride(
      null, null, ImmutableList.of(), ImmutableMap.of(), ImmutableList.of(), ImmutableMap.of(), ImmutableMap.of(),
      null, false, false);

  /** No override. */
  public static ComponentOverride none() {
    return NONE;
  }
}
