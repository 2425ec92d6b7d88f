package dev.converge.inmemory.cel;

import com.google.common.net.InetAddresses;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Kubernetes' IP and CIDR functions ({@code library/ip.go}, {@code library/cidr.go}), over {@code netip}'s
 * parsing with Kubernetes' refusals: {@code ip(s)}, {@code isIP(s)}, {@code ip.isCanonical(s)}, {@code family()},
 * {@code isUnspecified()}, {@code isLoopback()}, {@code isLinkLocalMulticast()}, {@code isLinkLocalUnicast()},
 * {@code isGlobalUnicast()}; {@code cidr(s)}, {@code isCIDR(s)}, {@code containsIP}, {@code containsCIDR}, {@code
 * ip()}, {@code masked()}, {@code prefixLength()}; {@code string()} of either.
 */
final class NetFunctions {
  static final OpaqueType IP = OpaqueType.create("net.IP");
  static final OpaqueType CIDR = OpaqueType.create("net.CIDR");

  private NetFunctions() {}

  /** An address as {@code netip.Addr} holds it (IPv4 as 4 bytes, IPv6 as 16). */
  record KubeIp(InetAddress address) {
    @Override
    public String toString() {
      return InetAddresses.toAddrString(address);
    }
  }

  /** A prefix as {@code netip.Prefix} holds it: the address as written (host bits kept) and the length. */
  record KubeCidr(KubeIp ip, int bits) {
    @Override
    public String toString() {
      return ip + "/" + bits;
    }
  }

  static void ip(FunctionTable table) {
    table.global("ip", "string_to_ip", IP, List.of(SimpleType.STRING), args -> parseIp((String) args[0]));
    table.global("isIP", "is_ip", SimpleType.BOOL, List.of(SimpleType.STRING), args -> FunctionTable.succeeds(() -> parseIp((String) args[0])));
    table.global("ip.isCanonical", "ip_is_canonical", SimpleType.BOOL, List.of(SimpleType.STRING),
        args -> parseIp((String) args[0]).toString().equals(args[0]));
    table.member("family", "ip_family", SimpleType.INT, List.of(IP),
        args -> ((KubeIp) args[0]).address() instanceof Inet4Address ? 4L : 6L);
    table.member("isUnspecified", "ip_is_unspecified", SimpleType.BOOL, List.of(IP),
        args -> ((KubeIp) args[0]).address().isAnyLocalAddress());
    table.member("isLoopback", "ip_is_loopback", SimpleType.BOOL, List.of(IP),
        args -> ((KubeIp) args[0]).address().isLoopbackAddress());
    table.member("isLinkLocalMulticast", "ip_is_link_local_multicast", SimpleType.BOOL, List.of(IP),
        args -> isLinkLocalMulticast(((KubeIp) args[0]).address()));
    table.member("isLinkLocalUnicast", "ip_is_link_local_unicast", SimpleType.BOOL, List.of(IP),
        args -> ((KubeIp) args[0]).address().isLinkLocalAddress());
    table.member("isGlobalUnicast", "ip_is_global_unicast", SimpleType.BOOL, List.of(IP),
        args -> isGlobalUnicast(((KubeIp) args[0]).address()));
    table.global("string", "ip_to_string", SimpleType.STRING, List.of(IP), args -> args[0].toString());
  }

  static void cidr(FunctionTable table) {
    table.global("cidr", "string_to_cidr", CIDR, List.of(SimpleType.STRING), args -> parseCidr((String) args[0]));
    table.global("isCIDR", "is_cidr", SimpleType.BOOL, List.of(SimpleType.STRING),
        args -> FunctionTable.succeeds(() -> parseCidr((String) args[0])));
    table.member("containsIP", "cidr_contains_ip_ip", SimpleType.BOOL, List.of(CIDR, IP),
        args -> contains((KubeCidr) args[0], (KubeIp) args[1]));
    table.member("containsIP", "cidr_contains_ip_string", SimpleType.BOOL, List.of(CIDR, SimpleType.STRING),
        args -> contains((KubeCidr) args[0], parseIp((String) args[1])));
    table.member("containsCIDR", "cidr_contains_cidr", SimpleType.BOOL, List.of(CIDR, CIDR),
        args -> contains((KubeCidr) args[0], (KubeCidr) args[1]));
    table.member("containsCIDR", "cidr_contains_cidr_string", SimpleType.BOOL, List.of(CIDR, SimpleType.STRING),
        args -> contains((KubeCidr) args[0], parseCidr((String) args[1])));
    table.member("ip", "cidr_ip", IP, List.of(CIDR), args -> ((KubeCidr) args[0]).ip());
    table.member("masked", "cidr_masked", CIDR, List.of(CIDR), args -> masked((KubeCidr) args[0]));
    table.member("prefixLength", "cidr_prefix_length", SimpleType.INT, List.of(CIDR),
        args -> (long) ((KubeCidr) args[0]).bits());
    table.global("string", "cidr_to_string", SimpleType.STRING, List.of(CIDR), args -> args[0].toString());
  }

  /**
   * {@code netip.ParseAddr} with Kubernetes' extra refusals: an address literal only (never a host name), no zone,
   * no IPv4-mapped IPv6 address, no leading zeros in IPv4.
   */
  static KubeIp parseIp(String text) throws CelEvaluationException {
    if (text.contains("%")) {
      throw FunctionTable.error("IP address \"" + text + "\" with zone value is not allowed");
    }
    if (!text.contains(":") && Arrays.stream(text.split("\\.", -1)).anyMatch(part -> part.length() > 1 && part.startsWith("0"))) {
      throw FunctionTable.error("IP Address \"" + text + "\" parse error during conversion from string: ParseAddr(\"" + text
          + "\"): IPv4 field has octet with leading zero");
    }
    if (!InetAddresses.isInetAddress(text)) {
      throw FunctionTable.error("IP Address \"" + text + "\" parse error during conversion from string: ParseAddr(\"" + text
          + "\"): unable to parse IP");
    }
    InetAddress address = InetAddresses.forString(text);
    if (text.contains(":") && (address instanceof Inet4Address || isMapped(address))) {
      throw FunctionTable.error("IPv4-mapped IPv6 address \"" + text + "\" is not allowed");
    }
    return new KubeIp(address);
  }

  static KubeCidr parseCidr(String text) throws CelEvaluationException {
    int slash = text.indexOf('/');
    String problem = "network address parse error during conversion from string: netip.ParsePrefix(\"" + text + "\"): ";
    if (slash < 0) {
      throw FunctionTable.error(problem + "no '/'");
    }
    KubeIp ip;
    try {
      ip = parseIp(text.substring(0, slash));
    } catch (CelEvaluationException e) {
      throw FunctionTable.error(problem + "ParseAddr(\"" + text.substring(0, slash) + "\"): unable to parse IP");
    }
    int max = ip.address().getAddress().length * 8;
    String bits = text.substring(slash + 1);
    if (!bits.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(bits) > max) {
      throw FunctionTable.error(problem + "bad bits after slash: \"" + bits + "\"");
    }
    return new KubeCidr(ip, Integer.parseInt(bits));
  }

  private static boolean isMapped(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (!(address instanceof Inet6Address) || bytes.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  private static boolean isLinkLocalMulticast(InetAddress address) {
    byte[] bytes = address.getAddress();
    return address instanceof Inet4Address
        ? (bytes[0] & 0xff) == 224 && bytes[1] == 0 && bytes[2] == 0
        : (bytes[0] & 0xff) == 0xff && (bytes[1] & 0x0f) == 0x02;
  }

  /** Go's {@code IsGlobalUnicast}: not unspecified, loopback, multicast, link-local or the IPv4 broadcast address. */
  private static boolean isGlobalUnicast(InetAddress address) {
    byte[] bytes = address.getAddress();
    boolean broadcast = bytes.length == 4 && (bytes[0] & bytes[1] & bytes[2] & bytes[3]) == (byte) 0xff;
    return !address.isAnyLocalAddress() && !address.isLoopbackAddress() && !address.isMulticastAddress()
        && !address.isLinkLocalAddress() && !broadcast;
  }

  private static KubeCidr masked(KubeCidr cidr) {
    byte[] bytes = cidr.ip().address().getAddress();
    for (int bit = cidr.bits(); bit < bytes.length * 8; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      return new KubeCidr(new KubeIp(InetAddress.getByAddress(bytes)), cidr.bits());
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean contains(KubeCidr cidr, KubeIp ip) {
    byte[] prefix = cidr.ip().address().getAddress();
    byte[] address = ip.address().getAddress();
    if (prefix.length != address.length) {
      return false;
    }
    for (int bit = 0; bit < cidr.bits(); bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((prefix[bit / 8] & mask) != (address[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(KubeCidr outer, KubeCidr inner) {
    return outer.bits() <= inner.bits() && contains(outer, inner.ip());
  }
}
