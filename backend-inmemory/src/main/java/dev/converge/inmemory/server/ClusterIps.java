package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Resource;
import dev.converge.inmemory.json.Trees;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The Service IP and node-port allocators ({@code pkg/registry/core/service/ipallocator},
 * {@code portallocator}). Kubernetes picks random free addresses; this one picks the lowest free address of
 * the service CIDR ({@code 10.96.0.0/12} by default, the first one being {@code kubernetes.default}'s
 * {@code 10.96.0.1}) so that allocations are deterministic and readable, and node ports from 30000 up.
 */
final class ClusterIps {
  private final int base;
  private final int size;
  private final TreeSet<Integer> usedOffsets = new TreeSet<>();
  private final TreeSet<Integer> usedPorts = new TreeSet<>();
  private final Map<String, List<Integer>> byService = new HashMap<>();

  /** A /12 IPv4 range starting at {@code cidrBase} (e.g. {@code 10.96.0.0}). */
  ClusterIps(String cidrBase, int prefixLength) {
    this.base = parse(cidrBase);
    this.size = 1 << (32 - prefixLength);
  }

  /**
   * Assigns {@code clusterIP}/{@code clusterIPs}, {@code ipFamilies} and {@code ipFamilyPolicy} (and node
   * ports for NodePort and LoadBalancer) on a new Service, in place.
   *
   * @return why the requested address cannot be allocated, or null on success
   */
  String allocate(ObjectNode service, String serviceKey) {
    ObjectNode spec = Trees.object(service, "spec");
    String type = spec.path("type").asText("ClusterIP");
    if (type.equals("ExternalName")) {
      return null;
    }
    String requested = spec.path("clusterIP").asText("");
    if (requested.isEmpty() && spec.path("clusterIPs").size() > 0) {
      requested = spec.path("clusterIPs").get(0).asText("");
    }
    List<Integer> held = new ArrayList<>();
    if (requested.equals("None")) {
      spec.put("clusterIP", "None");
      spec.putArray("clusterIPs").add("None");
    } else {
      int offset;
      if (requested.isEmpty()) {
        offset = 1;
        while (usedOffsets.contains(offset) && offset < size - 1) {
          offset++;
        }
        if (offset >= size - 1) {
          return "failed to allocate a serviceIP: range is full";
        }
      } else {
        int ip;
        try {
          ip = parse(requested);
        } catch (IllegalArgumentException e) {
          return "failed to allocate IP " + requested + ": not a valid IP address";
        }
        offset = ip - base;
        if (offset <= 0 || offset >= size - 1) {
          return "failed to allocate IP " + requested + ": the provided IP (" + requested + ") is not in the valid range";
        }
        if (usedOffsets.contains(offset)) {
          return "failed to allocate IP " + requested + ": provided IP is already allocated";
        }
      }
      usedOffsets.add(offset);
      held.add(offset);
      String ip = format(base + offset);
      spec.put("clusterIP", ip);
      spec.putArray("clusterIPs").add(ip);
    }
    if (Trees.absent(spec, "ipFamilies")) {
      spec.putArray("ipFamilies").add("IPv4");
    }
    Trees.putIfAbsent(spec, "ipFamilyPolicy", "SingleStack");
    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      ArrayNode ports = Trees.existingArray(spec, "ports");
      for (int i = 0; ports != null && i < ports.size(); i++) {
        ObjectNode port = Trees.element(ports, i);
        if (port == null) {
          continue;
        }
        int nodePort = port.path("nodePort").asInt(0);
        if (nodePort == 0) {
          nodePort = 30000;
          while (usedPorts.contains(nodePort)) {
            nodePort++;
          }
          port.put("nodePort", nodePort);
        }
        usedPorts.add(nodePort);
        held.add(-nodePort);
      }
    }
    byService.put(serviceKey, held);
    return null;
  }

  /** Marks the addresses of an existing Service (bootstrap, restore) as used. */
  void reserve(Resource service) {
    JsonNode ip = service.spec().path("clusterIP");
    if (ip.isTextual() && !ip.asText().equals("None") && !ip.asText().isEmpty()) {
      int offset = parse(ip.asText()) - base;
      usedOffsets.add(offset);
      byService.computeIfAbsent(service.key().toString(), k -> new ArrayList<>()).add(offset);
    }
  }

  /** Frees what a deleted Service held. */
  void release(String serviceKey) {
    List<Integer> held = byService.remove(serviceKey);
    if (held != null) {
      for (int value : held) {
        if (value > 0) {
          usedOffsets.remove(value);
        } else {
          usedPorts.remove(-value);
        }
      }
    }
  }

  private static int parse(String ip) {
    String[] parts = ip.split("\\.");
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + ip);
    }
    int value = 0;
    for (String part : parts) {
      int octet = Integer.parseInt(part);
      if (octet < 0 || octet > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + ip);
      }
      value = (value << 8) | octet;
    }
    return value;
  }

  private static String format(int ip) {
    return ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
  }
}
