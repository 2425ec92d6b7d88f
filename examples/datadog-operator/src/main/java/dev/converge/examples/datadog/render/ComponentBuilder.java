package dev.converge.examples.datadog.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.EnvVar;
import dev.converge.examples.datadog.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One component (node agents, Cluster Agent or cluster-check runners) while the feature modules and then the
 * overrides add to it: its containers, variables common to all of them, volumes, scheduling, the RBAC rules its
 * service account needs, and the ports of its Services. Mutable, used by one render only.
 */
public final class ComponentBuilder {
  private final ComponentName component;
  private final Map<String, ContainerBuilder> containers = new LinkedHashMap<>();
  private final Map<String, EnvVar> commonEnv = new LinkedHashMap<>();
  private final Map<String, ObjectNode> volumes = new LinkedHashMap<>();
  private final Map<String, String> nodeSelector = new TreeMap<>();
  private final List<Toleration> tolerations = new ArrayList<>();
  private final Map<String, String> podLabels = new TreeMap<>();
  private final Map<String, String> podAnnotations = new TreeMap<>();
  private final List<AgentRbacRule> clusterRules = new ArrayList<>();
  private final List<AgentRbacRule> namespaceRules = new ArrayList<>();
  private final Map<String, ObjectNode> servicePorts = new LinkedHashMap<>();
  private String image = "";
  private int replicas = 1;
  private @Nullable String serviceAccountOverride;
  private boolean podDisruptionBudget;

  ComponentBuilder(ComponentName component) {
    this.component = component;
  }

  public ComponentName component() {
    return component;
  }

  /** The container named {@code name}, created (after the existing ones) if absent. */
  public ContainerBuilder container(String name) {
    return containers.computeIfAbsent(name, ContainerBuilder::new);
  }

  public boolean hasContainer(String name) {
    return containers.containsKey(name);
  }

  public List<ContainerBuilder> containers() {
    return List.copyOf(containers.values());
  }

  /** A variable every container gets (a container's own variable of the same name wins). */
  public ComponentBuilder commonEnv(EnvVar var) {
    commonEnv.put(var.name(), var);
    return this;
  }

  Map<String, EnvVar> commonEnv() {
    return commonEnv;
  }

  /** A {@code hostPath} volume; {@code type} as in {@code core/v1 HostPathType}, empty for none. */
  public ComponentBuilder hostPathVolume(String name, String path, String type) {
    ObjectNode hostPath = Json.object().put("path", path);
    if (!type.isEmpty()) {
      hostPath.put("type", type);
    }
    ObjectNode volume = Json.object().put("name", name);
    volume.set("hostPath", hostPath);
    volumes.put(name, volume);
    return this;
  }

  /** An {@code emptyDir} volume. */
  public ComponentBuilder emptyDirVolume(String name) {
    ObjectNode volume = Json.object().put("name", name);
    volume.putObject("emptyDir");
    volumes.put(name, volume);
    return this;
  }

  List<ObjectNode> volumes() {
    return List.copyOf(volumes.values());
  }

  /** A rule of the component's ClusterRole. */
  public ComponentBuilder clusterRule(AgentRbacRule rule) {
    clusterRules.add(rule);
    return this;
  }

  /** A rule of the component's Role in the DatadogAgent's namespace. */
  public ComponentBuilder namespaceRule(AgentRbacRule rule) {
    namespaceRules.add(rule);
    return this;
  }

  public ImmutableList<AgentRbacRule> clusterRules() {
    return ImmutableList.copyOf(clusterRules);
  }

  public ImmutableList<AgentRbacRule> namespaceRules() {
    return ImmutableList.copyOf(namespaceRules);
  }

  /** A port of the component's main Service ({@code port} → {@code targetPort}). */
  public ComponentBuilder servicePort(String name, int port, int targetPort, String protocol) {
    ObjectNode node = Json.object().put("name", name).put("port", port).put("protocol", protocol).put("targetPort", targetPort);
    servicePorts.put(name, node);
    return this;
  }

  List<ObjectNode> servicePorts() {
    return List.copyOf(servicePorts.values());
  }

  public String image() {
    return image;
  }

  public ComponentBuilder image(String image) {
    this.image = image;
    return this;
  }

  public int replicas() {
    return replicas;
  }

  public ComponentBuilder replicas(int replicas) {
    this.replicas = replicas;
    return this;
  }

  public Map<String, String> nodeSelector() {
    return nodeSelector;
  }

  public List<Toleration> tolerations() {
    return tolerations;
  }

  public Map<String, String> podLabels() {
    return podLabels;
  }

  public Map<String, String> podAnnotations() {
    return podAnnotations;
  }

  /** The service account named by an override; the operator then creates none. */
  public @Nullable String serviceAccountOverride() {
    return serviceAccountOverride;
  }

  public ComponentBuilder serviceAccountOverride(String name) {
    this.serviceAccountOverride = name;
    return this;
  }

  public boolean podDisruptionBudget() {
    return podDisruptionBudget;
  }

  public ComponentBuilder podDisruptionBudget(boolean wanted) {
    this.podDisruptionBudget = wanted;
    return this;
  }
}
