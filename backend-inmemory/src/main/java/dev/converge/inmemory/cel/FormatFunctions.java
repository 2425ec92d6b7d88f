package dev.converge.inmemory.cel;

import dev.cel.common.types.ListType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.converge.api.Names;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Kubernetes' format library ({@code library/format.go}, 1.31): {@code format.named(name)} is an optional format,
 * {@code format.dns1123Label()} and the others are formats, and {@code <format>.validate(s)} is {@code
 * optional.none()} for a valid string or the list of apimachinery's messages ({@code
 * k8s.io/apimachinery/pkg/util/validation}), so a rule reads {@code !format.dns1123Label().validate(self).hasValue()}.
 */
final class FormatFunctions {
  static final OpaqueType FORMAT = OpaqueType.create("kubernetes.NamedFormat");

  /** A named format and its validation: the messages of an invalid string, empty for a valid one. */
  record Format(String name, Function<String, List<String>> validate) {}

  private static final Pattern UUID =
      Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  /** The formats by the names {@code format.named} takes, as {@code ConstantFormats} lists them. */
  private static final Map<String, Format> FORMATS = formats();

  private FormatFunctions() {}

  static void register(FunctionTable table) {
    for (Map.Entry<String, Format> format : FORMATS.entrySet()) {
      table.global("format." + format.getKey(), "format_" + format.getKey(), FORMAT, List.of(), args -> format.getValue());
    }
    table.global("format.named", "format_named", OptionalType.create(FORMAT), List.of(SimpleType.STRING),
        args -> Optional.ofNullable(FORMATS.get((String) args[0])));
    table.member("validate", "format_validate", OptionalType.create(ListType.create(SimpleType.STRING)),
        List.of(FORMAT, SimpleType.STRING), args -> {
          List<String> errors = ((Format) args[0]).validate().apply((String) args[1]);
          return errors.isEmpty() ? Optional.empty() : Optional.of(errors);
        });
  }

  private static Map<String, Format> formats() {
    Map<String, Format> formats = new LinkedHashMap<>();
    add(formats, "dns1123Label", FormatFunctions::dns1123Label);
    add(formats, "dns1123Subdomain", FormatFunctions::dns1123Subdomain);
    add(formats, "dns1035Label", FormatFunctions::dns1035Label);
    add(formats, "qualifiedName", FormatFunctions::qualifiedName);
    add(formats, "dns1123LabelPrefix", s -> dns1123Label(maskTrailingDash(s)));
    add(formats, "dns1123SubdomainPrefix", s -> dns1123Subdomain(maskTrailingDash(s)));
    add(formats, "dns1035LabelPrefix", s -> dns1035Label(maskTrailingDash(s)));
    add(formats, "labelValue", FormatFunctions::labelValue);
    add(formats, "uri", parses(TextFunctions::parseUrl, "invalid URI"));
    add(formats, "uuid", s -> UUID.matcher(s).matches() ? List.of() : List.of("does not match the UUID format"));
    add(formats, "byte", parses(s -> Base64.getDecoder().decode(s), "invalid base64"));
    add(formats, "date", parses(LocalDate::parse, "invalid date"));
    add(formats, "datetime", parses(OffsetDateTime::parse, "invalid datetime"));
    return formats;
  }

  /** A parse that fails with a runtime or an evaluation error. */
  private interface Parse {
    Object run(String text) throws Exception;
  }

  /** The validation of a format that is a parse: {@code message} when it fails. */
  private static Function<String, List<String>> parses(Parse parse, String message) {
    return text -> {
      try {
        parse.run(text);
        return List.of();
      } catch (Exception e) {
        return List.of(message);
      }
    };
  }

  private static void add(Map<String, Format> formats, String name, Function<String, List<String>> validate) {
    formats.put(name, new Format(name, validate));
  }

  /** {@code maskTrailingDash}: a generated name's prefix may end in a dash, which the suffix then follows. */
  private static String maskTrailingDash(String name) {
    return name.length() > 1 && name.endsWith("-") ? name.substring(0, name.length() - 2) + "a" : name;
  }

  static List<String> dns1123Label(String value) {
    return Names.dns1123LabelErrors(value);
  }

  static List<String> dns1123Subdomain(String value) {
    return Names.dns1123SubdomainErrors(value);
  }

  static List<String> dns1035Label(String value) {
    return Names.dns1035LabelErrors(value);
  }

  static List<String> qualifiedName(String value) {
    return Names.qualifiedNameErrors(value);
  }

  static List<String> labelValue(String value) {
    return Names.labelValueErrors(value);
  }

}
