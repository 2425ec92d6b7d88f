package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.net.InetAddresses;
import dev.converge.api.Names;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code discovery.k8s.io/v1} EndpointSlices, as {@code pkg/apis/discovery/validation/validation.go} (1.32) checks
 * them: the address type (required, one of three, immutable), at most 1,000 endpoints of 1 to 100 addresses of
 * that type (an IP is also refused when unspecified, loopback or link-local: {@code ValidateEndpointIP}), a valid
 * node name and hostname, at most 8 distinct zone hints, and at most 20,000 ports with unique DNS-1123 names, a
 * protocol and a qualified {@code appProtocol}. The API reference says 100 ports; validation.go's {@code maxPorts}
 * is 20000.
 */
final class EndpointSliceValidation {
  static final int MAX_ENDPOINTS = 1000;
  static final int MAX_ADDRESSES = 100;
  static final int MAX_PORTS = 20_000;
  static final int MAX_ZONE_HINTS = 8;
  private static final List<String> ADDRESS_TYPES = List.of("IPv4", "IPv6", "FQDN");
  private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

  private EndpointSliceValidation() {}

  static void validate(JsonNode json, @Nullable JsonNode old, FieldErrors errors) {
    String addressType = json.path("addressType").asText("");
    if (addressType.isEmpty()) {
      errors.required("addressType");
    } else if (!ADDRESS_TYPES.contains(addressType)) {
      errors.unsupported("addressType", addressType, ADDRESS_TYPES);
    }
    if (old != null && !old.path("addressType").asText("").equals(addressType)) {
      errors.immutable("addressType", addressType);
    }
    endpoints(json.path("endpoints"), addressType, errors);
    ports(json.path("ports"), errors);
  }

  private static void endpoints(JsonNode endpoints, String addressType, FieldErrors errors) {
    if (endpoints.size() > MAX_ENDPOINTS) {
      errors.tooMany("endpoints", endpoints.size(), MAX_ENDPOINTS);
      return;
    }
    for (int i = 0; i < endpoints.size(); i++) {
      JsonNode endpoint = endpoints.get(i);
      String at = "endpoints[" + i + "]";
      JsonNode addresses = endpoint.path("addresses");
      if (addresses.isEmpty()) {
        errors.required(at + ".addresses", "must contain at least 1 address");
      } else if (addresses.size() > MAX_ADDRESSES) {
        errors.tooMany(at + ".addresses", addresses.size(), MAX_ADDRESSES);
      }
      for (int j = 0; j < addresses.size(); j++) {
        address(addresses.get(j).asText(""), addressType, at + ".addresses[" + j + "]", errors);
      }
      String nodeName = endpoint.path("nodeName").asText("");
      if (endpoint.hasNonNull("nodeName")) {
        Names.checkDns1123Subdomain(nodeName).ifPresent(problem -> errors.invalid(at + ".nodeName", nodeName, problem));
      }
      if (endpoint.hasNonNull("hostname")) {
        String hostname = endpoint.path("hostname").asText("");
        Names.checkDns1123Label(hostname).ifPresent(problem -> errors.invalid(at + ".hostname", hostname, problem));
      }
      zoneHints(endpoint.path("hints").path("forZones"), at + ".hints.forZones", errors);
    }
  }

  private static void address(String address, String addressType, String at, FieldErrors errors) {
    switch (addressType) {
      case "IPv4", "IPv6" -> {
        InetAddress ip = InetAddresses.isInetAddress(address) ? InetAddresses.forString(address) : null;
        boolean v4 = addressType.equals("IPv4");
        if (ip == null || (v4 ? !(ip instanceof Inet4Address) : !(ip instanceof Inet6Address))) {
          errors.invalid(at, address, v4 ? "must be a valid IPv4 address" : "must be a valid IPv6 address");
          return;
        }
        endpointIp(ip, address, at, errors);
      }
      case "FQDN" -> {
        Names.checkDns1123Subdomain(address).ifPresent(problem -> errors.invalid(at, address, problem));
        if (!address.contains(".")) {
          errors.invalid(at, address, "should be a domain with at least two segments separated by dots");
        }
      }
      default -> {
        // an address type already refused: its addresses cannot be checked
      }
    }
  }

  /** {@code ValidateEndpointIP}: no unspecified, loopback, link-local or link-local multicast address. */
  private static void endpointIp(InetAddress ip, String address, String at, FieldErrors errors) {
    if (ip.isAnyLocalAddress()) {
      errors.invalid(at, address, "may not be unspecified (" + address + ")");
    }
    if (ip.isLoopbackAddress()) {
      errors.invalid(at, address, "may not be in the loopback range (127.0.0.0/8, ::1/128)");
    }
    if (ip.isLinkLocalAddress()) {
      errors.invalid(at, address, "may not be in the link-local range (169.254.0.0/16, fe80::/10)");
    }
    if (linkLocalMulticast(ip)) {
      errors.invalid(at, address, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
    }
  }

  /** Go's {@code IP.IsLinkLocalMulticast}: 224.0.0.0/24, or ff02::/16 (the prefix ff.2). */
  private static boolean linkLocalMulticast(InetAddress ip) {
    byte[] bytes = ip.getAddress();
    if (ip instanceof Inet4Address) {
      return (bytes[0] & 0xff) == 224 && bytes[1] == 0 && bytes[2] == 0;
    }
    return (bytes[0] & 0xff) == 0xff && (bytes[1] & 0x0f) == 0x02;
  }

  private static void zoneHints(JsonNode zones, String at, FieldErrors errors) {
    if (zones.size() > MAX_ZONE_HINTS) {
      errors.tooMany(at, zones.size(), MAX_ZONE_HINTS);
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < zones.size(); i++) {
      String name = zones.get(i).path("name").asText("");
      String path = at + "[" + i + "].name";
      if (!seen.add(name)) {
        errors.duplicate(path, name);
      }
      Names.checkLabelValue(name).ifPresent(problem -> errors.invalid(path, name, problem));
    }
  }

  private static void ports(JsonNode ports, FieldErrors errors) {
    if (ports.size() > MAX_PORTS) {
      errors.tooMany("ports", ports.size(), MAX_PORTS);
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      String at = "ports[" + i + "]";
      String name = port.path("name").asText("");
      if (!name.isEmpty()) {
        Names.checkDns1123Label(name).ifPresent(problem -> errors.invalid(at + ".name", name, problem));
      }
      if (!names.add(name)) {
        errors.duplicate(at + ".name", name);
      }
      String protocol = port.path("protocol").asText("");
      if (!port.hasNonNull("protocol")) {
        errors.required(at + ".protocol");
      } else if (!PROTOCOLS.contains(protocol)) {
        errors.unsupported(at + ".protocol", protocol, PROTOCOLS);
      }
      if (port.hasNonNull("appProtocol")) {
        String appProtocol = port.path("appProtocol").asText("");
        Names.checkQualifiedName(appProtocol).ifPresent(problem -> errors.invalid(at + ".appProtocol", appProtocol,
            problem));
      }
    }
  }
}
