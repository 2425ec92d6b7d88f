package dev.converge.inmemory.cel;

import com.google.common.collect.ImmutableList;
import com.google.common.net.InetAddresses;
import com.google.common.primitives.UnsignedLong;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.common.values.CelByteString;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationExceptionBuilder;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionOverload;
import dev.converge.core.schema.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes CEL libraries that CRD rules can call in 1.32 ({@code k8s.io/apiserver/pkg/cel/library}):
 *
 * <ul>
 *   <li><b>lists</b>: {@code isSorted()}, {@code sum()}, {@code min()}, {@code max()} on lists of comparable
 *       values, {@code indexOf(x)} and {@code lastIndexOf(x)};
 *   <li><b>regex</b>: {@code find(re)}, {@code findAll(re)}, {@code findAll(re, n)} (RE2, as {@code matches});
 *   <li><b>urls</b>: {@code url(s)}, {@code isURL(s)} and the getters {@code getScheme()}, {@code getHost()},
 *       {@code getHostname()}, {@code getPort()}, {@code getEscapedPath()}, {@code getQuery()};
 *   <li><b>quantity</b>: {@code quantity(s)}, {@code isQuantity(s)}, {@code sign(q)}, {@code isGreaterThan},
 *       {@code isLessThan}, {@code compareTo}, {@code add}, {@code sub}, {@code asInteger()}, {@code isInteger()},
 *       {@code asApproximateFloat()};
 *   <li><b>ip</b> and <b>cidr</b>: {@code ip(s)}, {@code isIP(s)}, {@code ip.isCanonical(s)}, {@code family()},
 *       {@code isUnspecified()}, {@code isLoopback()}, {@code isLinkLocalMulticast()}, {@code
 *       isLinkLocalUnicast()}, {@code isGlobalUnicast()}; {@code cidr(s)}, {@code isCIDR(s)}, {@code
 *       containsIP}, {@code containsCIDR}, {@code ip()}, {@code masked()}, {@code prefixLength()}; {@code
 *       string()} of either.
 * </ul>
 *
 * <p>Not here: the {@code format} library (1.31) and {@code authz} (which CRD rules cannot use: they have no
 * {@code authorizer}); a rule that calls them does not compile.
 */
final class KubernetesLibrary {
  static final OpaqueType URL = OpaqueType.create("kubernetes.URL");
  static final OpaqueType QUANTITY = OpaqueType.create("kubernetes.Quantity");
  static final OpaqueType IP = OpaqueType.create("net.IP");
  static final OpaqueType CIDR = OpaqueType.create("net.CIDR");

  /** The element types {@code isSorted}, {@code min} and {@code max} accept, with their Java classes. */
  private static final Map<CelType, Class<?>> COMPARABLE = orderedMap(
      SimpleType.INT, Long.class, SimpleType.UINT, UnsignedLong.class, SimpleType.DOUBLE, Double.class,
      SimpleType.BOOL, Boolean.class, SimpleType.DURATION, Duration.class, SimpleType.TIMESTAMP, java.time.Instant.class,
      SimpleType.STRING, String.class, SimpleType.BYTES, CelByteString.class);
  private static final List<CelType> SUMMABLE =
      List.of(SimpleType.INT, SimpleType.UINT, SimpleType.DOUBLE, SimpleType.DURATION);

  private static final List<CelFunctionDecl> DECLARATIONS;
  private static final List<CelFunctionBinding> BINDINGS;

  static {
    Library library = new Library();
    lists(library);
    regex(library);
    urls(library);
    quantity(library);
    ip(library);
    cidr(library);
    DECLARATIONS = library.declarations();
    BINDINGS = List.copyOf(library.bindings);
  }

  private KubernetesLibrary() {}

  static List<CelFunctionDecl> declarations() {
    return DECLARATIONS;
  }

  static List<CelFunctionBinding> bindings() {
    return BINDINGS;
  }

  // ------------------------------------------------------------------------------------------------- lists

  private static void lists(Library library) {
    for (Map.Entry<CelType, Class<?>> type : COMPARABLE.entrySet()) {
      String name = type.getKey().name();
      ListType list = ListType.create(type.getKey());
      library.member("isSorted", "list_" + name + "_is_sorted_bool", SimpleType.BOOL, List.of(list),
          args -> isSorted((List<?>) args[0]));
      library.member("min", "list_" + name + "_min_" + name, type.getKey(), List.of(list),
          args -> extreme((List<?>) args[0], -1, "min"));
      library.member("max", "list_" + name + "_max_" + name, type.getKey(), List.of(list),
          args -> extreme((List<?>) args[0], 1, "max"));
    }
    for (CelType type : SUMMABLE) {
      library.member("sum", "list_" + type.name() + "_sum_" + type.name(), type, List.of(ListType.create(type)),
          args -> sum((List<?>) args[0], type));
    }
    TypeParamType a = TypeParamType.create("A");
    library.member("indexOf", "list_a_index_of_int", SimpleType.INT, List.of(ListType.create(a), a),
        args -> (long) ((List<?>) args[0]).indexOf(args[1]));
    library.member("lastIndexOf", "list_a_last_index_of_int", SimpleType.INT, List.of(ListType.create(a), a),
        args -> (long) ((List<?>) args[0]).lastIndexOf(args[1]));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    if (a instanceof CelByteString x && b instanceof CelByteString y) {
      return Arrays.compareUnsigned(x.toByteArray(), y.toByteArray());
    }
    return ((Comparable) a).compareTo(b);
  }

  private static boolean isSorted(List<?> list) {
    for (int i = 1; i < list.size(); i++) {
      if (compare(list.get(i - 1), list.get(i)) > 0) {
        return false;
      }
    }
    return true;
  }

  private static Object extreme(List<?> list, int sign, String name) throws CelEvaluationException {
    if (list.isEmpty()) {
      throw error(name + " called on empty list");
    }
    Object best = list.get(0);
    for (Object value : list) {
      if (compare(value, best) * sign > 0) {
        best = value;
      }
    }
    return best;
  }

  private static Object sum(List<?> list, CelType type) {
    if (type.equals(SimpleType.INT)) {
      long total = 0;
      for (Object value : list) {
        total = Math.addExact(total, (Long) value);
      }
      return total;
    }
    if (type.equals(SimpleType.UINT)) {
      UnsignedLong total = UnsignedLong.ZERO;
      for (Object value : list) {
        total = total.plus((UnsignedLong) value);
      }
      return total;
    }
    if (type.equals(SimpleType.DOUBLE)) {
      double total = 0;
      for (Object value : list) {
        total += (Double) value;
      }
      return total;
    }
    Duration total = Duration.ZERO;
    for (Object value : list) {
      total = total.plus((Duration) value);
    }
    return total;
  }

  // ------------------------------------------------------------------------------------------------- regex

  private static void regex(Library library) {
    library.member("find", "string_find_string", SimpleType.STRING, List.of(SimpleType.STRING, SimpleType.STRING),
        args -> {
          Matcher matcher = regex((String) args[1]).matcher((String) args[0]);
          return matcher.find() ? matcher.group() : "";
        });
    library.member("findAll", "string_find_all_string", ListType.create(SimpleType.STRING),
        List.of(SimpleType.STRING, SimpleType.STRING), args -> findAll((String) args[0], (String) args[1], -1));
    library.member("findAll", "string_find_all_string_int", ListType.create(SimpleType.STRING),
        List.of(SimpleType.STRING, SimpleType.STRING, SimpleType.INT),
        args -> findAll((String) args[0], (String) args[1], (Long) args[2]));
  }

  private static Pattern regex(String pattern) throws CelEvaluationException {
    try {
      return Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw error("Illegal regex: " + e.getMessage());
    }
  }

  private static List<String> findAll(String text, String pattern, long limit) throws CelEvaluationException {
    Matcher matcher = regex(pattern).matcher(text);
    List<String> found = new ArrayList<>();
    while ((limit < 0 || found.size() < limit) && matcher.find()) {
      found.add(matcher.group());
    }
    return found;
  }

  // -------------------------------------------------------------------------------------------------- urls

  /** A URL as Go's {@code url.ParseRequestURI} splits it. */
  record KubeUrl(String scheme, String host, String hostname, String port, String escapedPath, String rawQuery) {}

  private static void urls(Library library) {
    library.global("url", "string_to_url", URL, List.of(SimpleType.STRING), args -> parseUrl((String) args[0]));
    library.global("isURL", "is_url_string", SimpleType.BOOL, List.of(SimpleType.STRING), args -> {
      try {
        parseUrl((String) args[0]);
        return true;
      } catch (CelEvaluationException e) {
        return false;
      }
    });
    library.member("getScheme", "url_get_scheme", SimpleType.STRING, List.of(URL), args -> ((KubeUrl) args[0]).scheme());
    library.member("getHost", "url_get_host", SimpleType.STRING, List.of(URL), args -> ((KubeUrl) args[0]).host());
    library.member("getHostname", "url_get_hostname", SimpleType.STRING, List.of(URL),
        args -> ((KubeUrl) args[0]).hostname());
    library.member("getPort", "url_get_port", SimpleType.STRING, List.of(URL), args -> ((KubeUrl) args[0]).port());
    library.member("getEscapedPath", "url_get_escaped_path", SimpleType.STRING, List.of(URL),
        args -> ((KubeUrl) args[0]).escapedPath());
    library.member("getQuery", "url_get_query", MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING)),
        List.of(URL), args -> query(((KubeUrl) args[0]).rawQuery()));
  }

  /**
   * {@code url.ParseRequestURI}: an absolute URI ({@code https://host/path}) or an absolute path ({@code /path});
   * the fragment is not allowed to split off (it stays part of the path or query, as Go leaves it).
   */
  static KubeUrl parseUrl(String text) throws CelEvaluationException {
    String problem = null;
    if (text.isEmpty()) {
      problem = "parse \"\": empty url";
    } else if (!text.startsWith("/") && !text.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      problem = "parse \"" + text + "\": invalid URI for request";
    }
    if (problem == null) {
      try {
        URI uri = new URI(text);
        String host = uri.getRawAuthority() == null ? "" : uri.getRawAuthority().replaceFirst("^[^@]*@", "");
        String hostname = host;
        String port = "";
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && colon > host.lastIndexOf(']')) {
          hostname = host.substring(0, colon);
          port = host.substring(colon + 1);
        }
        if (hostname.startsWith("[") && hostname.endsWith("]")) {
          hostname = hostname.substring(1, hostname.length() - 1);
        }
        return new KubeUrl(uri.getScheme() == null ? "" : uri.getScheme(), host, hostname, port,
            uri.getRawPath() == null ? "" : uri.getRawPath(), uri.getRawQuery() == null ? "" : uri.getRawQuery());
      } catch (URISyntaxException e) {
        problem = "parse \"" + text + "\": " + e.getReason();
      }
    }
    throw error("URL parse error during conversion from string: " + problem);
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return values;
  }

  // ---------------------------------------------------------------------------------------------- quantity

  /** A resource quantity ({@code resource.Quantity}) by its exact amount. */
  record KubeQuantity(BigDecimal amount) {}

  private static void quantity(Library library) {
    library.global("quantity", "string_to_quantity", QUANTITY, List.of(SimpleType.STRING),
        args -> parseQuantity((String) args[0]));
    library.global("isQuantity", "is_quantity_string", SimpleType.BOOL, List.of(SimpleType.STRING),
        args -> Quantity.parse((String) args[0]).isPresent());
    library.global("sign", "quantity_sign", SimpleType.INT, List.of(QUANTITY),
        args -> (long) ((KubeQuantity) args[0]).amount().signum());
    library.member("isGreaterThan", "quantity_is_greater_than", SimpleType.BOOL, List.of(QUANTITY, QUANTITY),
        args -> amount(args[0]).compareTo(amount(args[1])) > 0);
    library.member("isLessThan", "quantity_is_less_than", SimpleType.BOOL, List.of(QUANTITY, QUANTITY),
        args -> amount(args[0]).compareTo(amount(args[1])) < 0);
    library.member("compareTo", "quantity_compare_to", SimpleType.INT, List.of(QUANTITY, QUANTITY),
        args -> (long) Integer.signum(amount(args[0]).compareTo(amount(args[1]))));
    library.member("add", "quantity_add", QUANTITY, List.of(QUANTITY, QUANTITY),
        args -> new KubeQuantity(amount(args[0]).add(amount(args[1]))));
    library.member("add", "quantity_add_int", QUANTITY, List.of(QUANTITY, SimpleType.INT),
        args -> new KubeQuantity(amount(args[0]).add(BigDecimal.valueOf((Long) args[1]))));
    library.member("sub", "quantity_sub", QUANTITY, List.of(QUANTITY, QUANTITY),
        args -> new KubeQuantity(amount(args[0]).subtract(amount(args[1]))));
    library.member("sub", "quantity_sub_int", QUANTITY, List.of(QUANTITY, SimpleType.INT),
        args -> new KubeQuantity(amount(args[0]).subtract(BigDecimal.valueOf((Long) args[1]))));
    library.member("isInteger", "quantity_is_integer", SimpleType.BOOL, List.of(QUANTITY),
        args -> asLong(amount(args[0])).isPresent());
    library.member("asInteger", "quantity_get_int", SimpleType.INT, List.of(QUANTITY), args -> {
      Optional<Long> value = asLong(amount(args[0]));
      if (value.isEmpty()) {
        throw error("cannot convert value to integer");
      }
      return value.get();
    });
    library.member("asApproximateFloat", "quantity_get_float", SimpleType.DOUBLE, List.of(QUANTITY),
        args -> amount(args[0]).doubleValue());
  }

  private static KubeQuantity parseQuantity(String text) throws CelEvaluationException {
    Optional<BigDecimal> amount = Quantity.parse(text);
    if (amount.isEmpty()) {
      throw error("quantities must match the regular expression "
          + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    return new KubeQuantity(amount.get());
  }

  private static BigDecimal amount(Object quantity) {
    return ((KubeQuantity) quantity).amount();
  }

  /** {@code Quantity.AsInt64}: a whole amount that fits in an int64. */
  private static Optional<Long> asLong(BigDecimal amount) {
    try {
      BigInteger whole = amount.toBigIntegerExact();
      return whole.bitLength() < 64 ? Optional.of(whole.longValue()) : Optional.empty();
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
  }

  // -------------------------------------------------------------------------------------------- ip and cidr

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

  private static void ip(Library library) {
    library.global("ip", "string_to_ip", IP, List.of(SimpleType.STRING), args -> parseIp((String) args[0]));
    library.global("isIP", "is_ip", SimpleType.BOOL, List.of(SimpleType.STRING), args -> succeeds(() -> parseIp((String) args[0])));
    library.global("ip.isCanonical", "ip_is_canonical", SimpleType.BOOL, List.of(SimpleType.STRING),
        args -> parseIp((String) args[0]).toString().equals(args[0]));
    library.member("family", "ip_family", SimpleType.INT, List.of(IP),
        args -> ((KubeIp) args[0]).address() instanceof Inet4Address ? 4L : 6L);
    library.member("isUnspecified", "ip_is_unspecified", SimpleType.BOOL, List.of(IP),
        args -> ((KubeIp) args[0]).address().isAnyLocalAddress());
    library.member("isLoopback", "ip_is_loopback", SimpleType.BOOL, List.of(IP),
        args -> ((KubeIp) args[0]).address().isLoopbackAddress());
    library.member("isLinkLocalMulticast", "ip_is_link_local_multicast", SimpleType.BOOL, List.of(IP),
        args -> isLinkLocalMulticast(((KubeIp) args[0]).address()));
    library.member("isLinkLocalUnicast", "ip_is_link_local_unicast", SimpleType.BOOL, List.of(IP),
        args -> ((KubeIp) args[0]).address().isLinkLocalAddress());
    library.member("isGlobalUnicast", "ip_is_global_unicast", SimpleType.BOOL, List.of(IP),
        args -> isGlobalUnicast(((KubeIp) args[0]).address()));
    library.global("string", "ip_to_string", SimpleType.STRING, List.of(IP), args -> args[0].toString());
  }

  private static void cidr(Library library) {
    library.global("cidr", "string_to_cidr", CIDR, List.of(SimpleType.STRING), args -> parseCidr((String) args[0]));
    library.global("isCIDR", "is_cidr", SimpleType.BOOL, List.of(SimpleType.STRING),
        args -> succeeds(() -> parseCidr((String) args[0])));
    library.member("containsIP", "cidr_contains_ip_ip", SimpleType.BOOL, List.of(CIDR, IP),
        args -> contains((KubeCidr) args[0], (KubeIp) args[1]));
    library.member("containsIP", "cidr_contains_ip_string", SimpleType.BOOL, List.of(CIDR, SimpleType.STRING),
        args -> contains((KubeCidr) args[0], parseIp((String) args[1])));
    library.member("containsCIDR", "cidr_contains_cidr", SimpleType.BOOL, List.of(CIDR, CIDR),
        args -> contains((KubeCidr) args[0], (KubeCidr) args[1]));
    library.member("containsCIDR", "cidr_contains_cidr_string", SimpleType.BOOL, List.of(CIDR, SimpleType.STRING),
        args -> contains((KubeCidr) args[0], parseCidr((String) args[1])));
    library.member("ip", "cidr_ip", IP, List.of(CIDR), args -> ((KubeCidr) args[0]).ip());
    library.member("masked", "cidr_masked", CIDR, List.of(CIDR), args -> masked((KubeCidr) args[0]));
    library.member("prefixLength", "cidr_prefix_length", SimpleType.INT, List.of(CIDR),
        args -> (long) ((KubeCidr) args[0]).bits());
    library.global("string", "cidr_to_string", SimpleType.STRING, List.of(CIDR), args -> args[0].toString());
  }

  /**
   * {@code netip.ParseAddr} with Kubernetes' extra refusals: an address literal only (never a host name), no zone,
   * no IPv4-mapped IPv6 address, no leading zeros in IPv4.
   */
  static KubeIp parseIp(String text) throws CelEvaluationException {
    if (text.contains("%")) {
      throw error("IP address \"" + text + "\" with zone value is not allowed");
    }
    if (!text.contains(":") && Arrays.stream(text.split("\\.", -1)).anyMatch(part -> part.length() > 1 && part.startsWith("0"))) {
      throw error("IP Address \"" + text + "\" parse error during conversion from string: ParseAddr(\"" + text
          + "\"): IPv4 field has octet with leading zero");
    }
    if (!InetAddresses.isInetAddress(text)) {
      throw error("IP Address \"" + text + "\" parse error during conversion from string: ParseAddr(\"" + text
          + "\"): unable to parse IP");
    }
    InetAddress address = InetAddresses.forString(text);
    if (text.contains(":") && (address instanceof Inet4Address || isMapped(address))) {
      throw error("IPv4-mapped IPv6 address \"" + text + "\" is not allowed");
    }
    return new KubeIp(address);
  }

  static KubeCidr parseCidr(String text) throws CelEvaluationException {
    int slash = text.indexOf('/');
    String problem = "network address parse error during conversion from string: netip.ParsePrefix(\"" + text + "\"): ";
    if (slash < 0) {
      throw error(problem + "no '/'");
    }
    KubeIp ip;
    try {
      ip = parseIp(text.substring(0, slash));
    } catch (CelEvaluationException e) {
      throw error(problem + "ParseAddr(\"" + text.substring(0, slash) + "\"): unable to parse IP");
    }
    int max = ip.address().getAddress().length * 8;
    String bits = text.substring(slash + 1);
    if (!bits.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(bits) > max) {
      throw error(problem + "bad bits after slash: \"" + bits + "\"");
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

  // -------------------------------------------------------------------------------------------------- plumbing

  private interface Parse {
    Object run() throws CelEvaluationException;
  }

  private static boolean succeeds(Parse parse) {
    try {
      parse.run();
      return true;
    } catch (CelEvaluationException e) {
      return false;
    }
  }

  private static CelEvaluationException error(String message) {
    return CelEvaluationExceptionBuilder.newBuilder("%s", message).build();
  }

  private static <K, V> Map<K, V> orderedMap(Object... pairs) {
    Map<K, V> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      @SuppressWarnings("unchecked")
      K key = (K) pairs[i];
      @SuppressWarnings("unchecked")
      V value = (V) pairs[i + 1];
      map.put(key, value);
    }
    return map;
  }

  /** Declarations grouped by function name, and their bindings. */
  private static final class Library {
    final Map<String, List<CelOverloadDecl>> overloads = new LinkedHashMap<>();
    final List<CelFunctionBinding> bindings = new ArrayList<>();

    void member(String function, String id, CelType result, List<CelType> parameters, CelFunctionOverload impl) {
      add(function, CelOverloadDecl.newMemberOverload(id, result, parameters), parameters, impl);
    }

    void global(String function, String id, CelType result, List<CelType> parameters, CelFunctionOverload impl) {
      add(function, CelOverloadDecl.newGlobalOverload(id, result, parameters), parameters, impl);
    }

    private void add(String function, CelOverloadDecl declaration, List<CelType> parameters, CelFunctionOverload impl) {
      overloads.computeIfAbsent(function, f -> new ArrayList<>()).add(declaration);
      List<Class<?>> classes = new ArrayList<>();
      for (CelType parameter : parameters) {
        classes.add(javaClass(parameter));
      }
      bindings.add(CelFunctionBinding.from(declaration.overloadId(), classes, impl));
    }

    List<CelFunctionDecl> declarations() {
      List<CelFunctionDecl> declarations = new ArrayList<>();
      overloads.forEach((function, list) -> declarations.add(CelFunctionDecl.newFunctionDeclaration(function, list)));
      return ImmutableList.copyOf(declarations);
    }

    private static Class<?> javaClass(CelType type) {
      if (type instanceof ListType) {
        return List.class;
      }
      if (type instanceof MapType) {
        return Map.class;
      }
      if (type.equals(URL)) {
        return KubeUrl.class;
      }
      if (type.equals(QUANTITY)) {
        return KubeQuantity.class;
      }
      if (type.equals(IP)) {
        return KubeIp.class;
      }
      if (type.equals(CIDR)) {
        return KubeCidr.class;
      }
      Class<?> comparable = COMPARABLE.get(type);
      return comparable != null ? comparable : Object.class;
    }
  }
}
