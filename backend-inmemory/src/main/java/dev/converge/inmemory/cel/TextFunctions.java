package dev.converge.inmemory.cel;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' regex and URL functions ({@code library/regex.go}, {@code library/urls.go}): {@code find(re)}, {@code
 * findAll(re)} and {@code findAll(re, n)} (RE2, as {@code matches}); {@code url(s)}, {@code isURL(s)} and the
 * getters {@code getScheme()}, {@code getHost()}, {@code getHostname()}, {@code getPort()}, {@code getEscapedPath()},
 * {@code getQuery()}.
 */
final class TextFunctions {
  static final OpaqueType URL = OpaqueType.create("kubernetes.URL");

  private TextFunctions() {}

  static void regex(FunctionTable table) {
    table.member("find", "string_find_string", SimpleType.STRING, List.of(SimpleType.STRING, SimpleType.STRING),
        args -> {
          Matcher matcher = regex((String) args[1]).matcher((String) args[0]);
          return matcher.find() ? matcher.group() : "";
        });
    table.member("findAll", "string_find_all_string", ListType.create(SimpleType.STRING),
        List.of(SimpleType.STRING, SimpleType.STRING), args -> findAll((String) args[0], (String) args[1], -1));
    table.member("findAll", "string_find_all_string_int", ListType.create(SimpleType.STRING),
        List.of(SimpleType.STRING, SimpleType.STRING, SimpleType.INT),
        args -> findAll((String) args[0], (String) args[1], (Long) args[2]));
  }

  private static Pattern regex(String pattern) throws CelEvaluationException {
    try {
      return Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw FunctionTable.error("Illegal regex: " + e.getMessage());
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

  /** A URL as Go's {@code url.ParseRequestURI} splits it. */
  record KubeUrl(String scheme, String host, String hostname, String port, String escapedPath, String rawQuery) {}

  static void urls(FunctionTable table) {
    table.global("url", "string_to_url", URL, List.of(SimpleType.STRING), args -> parseUrl((String) args[0]));
    table.global("isURL", "is_url_string", SimpleType.BOOL, List.of(SimpleType.STRING), args -> {
      try {
        parseUrl((String) args[0]);
        return true;
      } catch (CelEvaluationException e) {
        return false;
      }
    });
    table.member("getScheme", "url_get_scheme", SimpleType.STRING, List.of(URL), args -> ((KubeUrl) args[0]).scheme());
    table.member("getHost", "url_get_host", SimpleType.STRING, List.of(URL), args -> ((KubeUrl) args[0]).host());
    table.member("getHostname", "url_get_hostname", SimpleType.STRING, List.of(URL),
        args -> ((KubeUrl) args[0]).hostname());
    table.member("getPort", "url_get_port", SimpleType.STRING, List.of(URL), args -> ((KubeUrl) args[0]).port());
    table.member("getEscapedPath", "url_get_escaped_path", SimpleType.STRING, List.of(URL),
        args -> ((KubeUrl) args[0]).escapedPath());
    table.member("getQuery", "url_get_query", MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING)),
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
    throw FunctionTable.error("URL parse error during conversion from string: " + problem);
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
}
