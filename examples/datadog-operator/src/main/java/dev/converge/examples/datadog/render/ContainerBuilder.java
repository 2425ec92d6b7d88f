package dev.converge.examples.datadog.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.examples.datadog.model.EnvVar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One container of a component while features add to it. Environment variables keep the order they were first
 * set in and are replaced by name, so a later layer (an override) changes a value without moving it.
 */
public final class ContainerBuilder {
  private final String name;
  private ImmutableList<String> command = ImmutableList.of();
  private final Map<String, EnvVar> env = new LinkedHashMap<>();
  private final Map<String, ObjectNode> ports = new LinkedHashMap<>();
  private final Map<String, ObjectNode> volumeMounts = new LinkedHashMap<>();

  ContainerBuilder(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  public ContainerBuilder command(String... command) {
    this.command = ImmutableList.copyOf(command);
    return this;
  }

  /** Sets {@code var}, replacing a variable of the same name in place. */
  public ContainerBuilder env(EnvVar var) {
    env.put(var.name(), var);
    return this;
  }

  /** A container port, optionally also bound on the node ({@code hostPort}). */
  public ContainerBuilder port(String portName, int containerPort, String protocol, boolean hostPort) {
    ObjectNode port = Json.object().put("name", portName).put("containerPort", containerPort);
    if (hostPort) {
      port.put("hostPort", containerPort);
    }
    port.put("protocol", protocol);
    ports.put(portName, port);
    return this;
  }

  /** Mounts volume {@code volume} at {@code mountPath}; one mount per path. */
  public ContainerBuilder mount(String volume, String mountPath, boolean readOnly) {
    ObjectNode mount = Json.object().put("name", volume).put("mountPath", mountPath);
    if (readOnly) {
      mount.put("readOnly", true);
    }
    volumeMounts.put(mountPath, mount);
    return this;
  }

  /** The variable named {@code name}, if set. */
  public java.util.Optional<EnvVar> env(String varName) {
    return java.util.Optional.ofNullable(env.get(varName));
  }

  /** The variables in order. */
  public List<EnvVar> env() {
    return List.copyOf(env.values());
  }

  /** The {@code containers} entry, with {@code commonEnv} first unless the container sets the same name. */
  ObjectNode toJson(String image, Map<String, EnvVar> commonEnv) {
    ObjectNode node = Json.object().put("name", name).put("image", image);
    if (!command.isEmpty()) {
      ArrayNode array = node.putArray("command");
      command.forEach(array::add);
    }
    Map<String, EnvVar> all = new LinkedHashMap<>(commonEnv);
    all.putAll(env);
    if (!all.isEmpty()) {
      ArrayNode array = node.putArray("env");
      all.values().forEach(var -> array.add(var.toJson()));
    }
    if (!ports.isEmpty()) {
      ArrayNode array = node.putArray("ports");
      ports.values().forEach(port -> array.add(port.deepCopy()));
    }
    if (!volumeMounts.isEmpty()) {
      ArrayNode array = node.putArray("volumeMounts");
      volumeMounts.values().forEach(mount -> array.add(mount.deepCopy()));
    }
    return node;
  }
}
