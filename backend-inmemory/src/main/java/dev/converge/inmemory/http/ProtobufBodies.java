package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.converge.api.Json;
import dev.converge.inmemory.json.GoDurations;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Request bodies in Kubernetes' protobuf encoding ({@code application/vnd.kubernetes.protobuf}), decoded into
 * the JSON object a client sending JSON would have sent. client-go's typed clients use this encoding for
 * built-in kinds by default since Kubernetes 1.31 (kubernetes/kubernetes#125314), so {@code kubectl create
 * deployment|configmap|secret|…} sends it; so does controller-runtime's client for built-in kinds.
 *
 * <p><b>Envelope</b> ({@code runtime.protobufSerializer}): the four bytes {@code k8s\0}, then a {@code
 * runtime.Unknown} message whose {@code typeMeta} names the object's apiVersion and kind and whose {@code raw}
 * holds the object's own message.
 *
 * <p><b>Schema.</b> Field numbers, names and types come from the descriptors of {@code
 * io.kubernetes:client-java-proto}, generated from Kubernetes' {@code generated.proto} files (around Kubernetes
 * 1.28: it lacks, for example, {@code PodSpec.resources} of 1.32). A field the schema does not know is refused
 * with 415, naming the message, the field number and the path, instead of being dropped: the client can send the
 * object as JSON. Kinds whose group version the schema lacks ({@code coordination.k8s.io/v1}, {@code
 * apiextensions.k8s.io/v1}, …) are refused the same way. Without that artifact on the class path every protobuf
 * body is refused with 415.
 *
 * <p><b>Zero values.</b> Go's protobuf code writes every non-pointer field, zero or not, and a pointer field only
 * when set; decoding into a Go struct then makes a zero non-pointer field indistinguishable from an absent one,
 * and {@code encoding/json}'s {@code omitempty} leaves it out. This decoder does the same: a scalar equal to its
 * zero value ({@code ""}, 0, false) is left out, except for the fields in {@link GoJsonFields#KEEP_ZERO} — the pointer
 * scalars ({@code DeploymentSpec.replicas: 0}, {@code automountServiceAccountToken: false}) and the scalars
 * without {@code omitempty} ({@code PriorityClass.value}, {@code ContainerPort.containerPort}), as declared in
 * k8s.io/api's {@code types.go}. Messages are kept when present (Go writes non-pointer structs always, and
 * {@code encoding/json} writes them too, e.g. {@code resources: {}}); an empty repeated field or map is absent.
 * The types with a JSON form of their own are converted to it: {@code Time}/{@code MicroTime} (RFC 3339), {@code Duration} (Go's duration text), {@code Quantity}, {@code
 * IntOrString}, {@code RawExtension}/{@code JSON}/{@code FieldsV1} (their raw JSON), {@code ExtraValue} (a list),
 * and {@code bytes} (base64, as {@code []byte} in JSON). A zero time, and an empty raw extension, are {@code
 * null}, as {@code encoding/json} writes them: {@code kubectl create deployment} sends {@code creationTimestamp:
 * null} in JSON too, and {@code ProtobufBodiesTest} compares the decoded bodies kubectl sends with the JSON
 * {@code --dry-run=client -o json} prints for the same command.
 */
final class ProtobufBodies {
  /** The content type; a parameter or a {@code ;stream=watch} suffix may follow. */
  static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;


  private ProtobufBodies() {}

  static boolean isProtobuf(String contentType) {
    return contentType.startsWith(CONTENT_TYPE);
  }

  /**
   * The object the body encodes, with {@code apiVersion} and {@code kind} from its envelope.
   *
   * @throws FrontException 415 when the body is not a protobuf object this server's schema describes whole
   */
  static ObjectNode decode(byte[] body) {
    Schema schema = Schema.INSTANCE;
    if (schema == null) {
      throw unsupported("decoding protobuf needs io.kubernetes:client-java-proto on the class path; send JSON");
    }
    if (body.length < MAGIC.length || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IllegalArgumentException("the body of the request could not be decoded: a protobuf body must start "
          + "with the bytes 'k8s\\0'");
    }
    Message envelope;
    try {
      envelope = DynamicMessage.parseFrom(schema.unknown, ByteString.copyFrom(body, MAGIC.length,
          body.length - MAGIC.length));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the body of the request could not be decoded: " + e.getMessage(), e);
    }
    Descriptor unknown = schema.unknown;
    Message typeMeta = (Message) envelope.getField(unknown.findFieldByName("typeMeta"));
    String apiVersion = (String) typeMeta.getField(typeMeta.getDescriptorForType().findFieldByName("apiVersion"));
    String kind = (String) typeMeta.getField(typeMeta.getDescriptorForType().findFieldByName("kind"));
    String encoding = (String) envelope.getField(unknown.findFieldByName("contentEncoding"));
    if (!encoding.isEmpty()) {
      throw unsupported("protobuf bodies with content encoding " + encoding + " are not supported");
    }
    Descriptor type = schema.find(apiVersion, kind);
    if (type == null) {
      throw unsupported("this server has no protobuf schema for " + kind + " in " + apiVersion
          + " (its schema is client-java-proto's, around Kubernetes 1.28); send the object as JSON");
    }
    ByteString raw = (ByteString) envelope.getField(unknown.findFieldByName("raw"));
    DynamicMessage object;
    try {
      object = DynamicMessage.parseFrom(type, raw);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the body of the request could not be decoded as " + type.getFullName()
          + ": " + e.getMessage(), e);
    }
    ObjectNode json = Json.object();
    json.put("apiVersion", apiVersion);
    json.put("kind", kind);
    json.setAll(message(object, ""));
    return json;
  }

  /** The schema's message of this full name, or null (for tests). */
  static @Nullable Descriptor descriptor(String fullName) {
    Schema schema = Schema.INSTANCE;
    return schema == null ? null : schema.messages.get(fullName);
  }

  private static ObjectNode message(Message message, String path) {
    Descriptor type = message.getDescriptorForType();
    if (!message.getUnknownFields().asMap().isEmpty()) {
      int number = message.getUnknownFields().asMap().keySet().iterator().next();
      throw unsupported("field " + number + " of " + type.getFullName() + (path.isEmpty() ? "" : " (at " + path + ")")
          + " is not in this server's protobuf schema (client-java-proto's, around Kubernetes 1.28); send the "
          + "object as JSON");
    }
    ObjectNode out = Json.object();
    for (FieldDescriptor field : type.getFields()) {
      String name = field.getName();
      String at = path.isEmpty() ? name : path + "." + name;
      if (field.isMapField()) {
        int count = message.getRepeatedFieldCount(field);
        if (count > 0) {
          ObjectNode map = out.putObject(name);
          Descriptor entry = field.getMessageType();
          FieldDescriptor key = entry.findFieldByNumber(1);
          FieldDescriptor value = entry.findFieldByNumber(2);
          for (int i = 0; i < count; i++) {
            Message pair = (Message) message.getRepeatedField(field, i);
            String k = String.valueOf(pair.getField(key));
            map.set(k, value(value, pair.getField(value), at + "[" + k + "]"));
          }
        }
      } else if (field.isRepeated()) {
        int count = message.getRepeatedFieldCount(field);
        if (count > 0) {
          ArrayNode list = out.putArray(name);
          for (int i = 0; i < count; i++) {
            list.add(value(field, message.getRepeatedField(field, i), at + "[" + i + "]"));
          }
        }
      } else if (message.hasField(field)) {
        Object value = message.getField(field);
        if (GoJsonFields.INLINE.contains(type.getFullName() + "." + name)) {
          out.setAll(message((Message) value, path));
        } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          out.set(name, value(field, value, at));
        } else if (!isZero(value) || GoJsonFields.KEEP_ZERO.contains(type.getFullName() + "." + name)) {
          out.set(name, value(field, value, at));
        }
      }
    }
    return out;
  }

  /** A field's value as JSON. */
  private static JsonNode value(FieldDescriptor field, Object value, String path) {
    switch (field.getJavaType()) {
      case STRING:
        return NODES.textNode((String) value);
      case INT:
        return NODES.numberNode((Integer) value);
      case LONG: {
        // As JSON parsing would read it: an int where it fits, so that trees compare equal to parsed ones.
        long number = (Long) value;
        return number == (int) number ? NODES.numberNode((int) number) : NODES.numberNode(number);
      }
      case BOOLEAN:
        return NODES.booleanNode((Boolean) value);
      case DOUBLE:
        return NODES.numberNode((Double) value);
      case FLOAT:
        return NODES.numberNode((double) (Float) value);
      case BYTE_STRING:
        return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case MESSAGE:
        return special((Message) value, path);
      default:
        throw unsupported("protobuf field type " + field.getType() + " at " + path + " is not supported");
    }
  }

  /** Messages whose Go type has a JSON form of its own; any other message as an object. */
  private static JsonNode special(Message message, String path) {
    Descriptor type = message.getDescriptorForType();
    String name = type.getFullName();
    switch (name) {
      case META + ".Time": {
        long seconds = longField(message, "seconds");
        return seconds == 0 && longField(message, "nanos") == 0 ? NODES.nullNode()
            : NODES.textNode(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(seconds)));
      }
      case META + ".MicroTime": {
        long seconds = longField(message, "seconds");
        long nanos = longField(message, "nanos");
        return seconds == 0 && nanos == 0 ? NODES.nullNode() : NODES.textNode(MICRO.format(Instant.ofEpochSecond(seconds, nanos)));
      }
      case META + ".Duration":
        return NODES.textNode(GoDurations.format(longField(message, "duration")));
      case "k8s.io.apimachinery.pkg.api.resource.Quantity":
        return NODES.textNode((String) message.getField(type.findFieldByName("string")));
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
        return longField(message, "type") == 1 ? NODES.textNode((String) message.getField(type.findFieldByName("strVal")))
            : NODES.numberNode((int) longField(message, "intVal"));
      case "k8s.io.apimachinery.pkg.runtime.RawExtension":
      case META + ".FieldsV1":
      case "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1beta1.JSON":
        return rawJson((ByteString) message.getField(type.findFieldByNumber(1)), path);
      default:
        if (type.getName().equals("ExtraValue")) {
          ArrayNode items = Json.array();
          FieldDescriptor field = type.findFieldByNumber(1);
          for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
            items.add((String) message.getRepeatedField(field, i));
          }
          return items;
        }
        return message(message, path);
    }
  }

  private static JsonNode rawJson(ByteString raw, String path) {
    if (raw.isEmpty()) {
      return NODES.nullNode();
    }
    try {
      return Responses.MAPPER.readTree(raw.toByteArray());
    } catch (IOException e) {
      throw new IllegalArgumentException("the body of the request could not be decoded: " + path
          + " holds no JSON: " + e.getMessage(), e);
    }
  }

  private static long longField(Message message, String name) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    Object value = message.getField(field);
    return value instanceof Integer i ? i : (Long) value;
  }

  private static boolean isZero(Object value) {
    return value instanceof String s ? s.isEmpty()
        : value instanceof Integer i ? i == 0
        : value instanceof Long l ? l == 0
        : value instanceof Boolean b ? !b
        : value instanceof Double d ? d == 0
        : value instanceof Float f ? f == 0
        : value instanceof ByteString bytes && bytes.isEmpty();
  }

  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static FrontException unsupported(String why) {
    return new FrontException(415, "UnsupportedMediaType", "the body of the request could not be decoded as "
        + CONTENT_TYPE + ": " + why);
  }

  /** The messages of every file in client-java-proto, by package and name; null when it is not on the class path. */
  private static final class Schema {
    /** The outer classes of client-java-proto's files (each has {@code getDescriptor()}). */
    private static final List<String> FILES = List.of("V1", "V1Apps", "V1Batch", "V1Networking", "V1Rbac",
        "V1Policy", "V1Scheduling", "V1Storage", "V1Autoscaling", "V1Admissionregistration", "V1Authentication",
        "V1Authorization", "V1Certificates", "V1beta1Apiextensions", "V1beta1Apps", "V1beta2Apps", "V1beta1Batch",
        "V1beta1Extensions", "V1beta1Policy", "V1beta1Rbac", "V1beta1Storage", "V1beta1Admissionregistration",
        "V1beta1Authentication", "V1beta1Authorization", "V1beta1Certificates", "V2beta1Autoscaling",
        "V2beta2Autoscaling", "V1alpha1Rbac", "V1alpha1Scheduling", "V1beta1Admission", "V1Admission", "Meta",
        "Runtime", "Resource", "IntStr");

    /** Loaded on first use; declared after {@link #FILES}, which loading reads. */
    static final @Nullable Schema INSTANCE = load();

    final Descriptor unknown;
    final Map<String, Descriptor> messages = new HashMap<>();

    private Schema(Map<String, Descriptor> messages) {
      this.messages.putAll(messages);
      this.unknown = messages.get("k8s.io.apimachinery.pkg.runtime.Unknown");
    }

    private static @Nullable Schema load() {
      Map<String, Descriptor> messages = new HashMap<>();
      Set<String> seen = new HashSet<>();
      try {
        for (String file : FILES) {
          FileDescriptor descriptor = (FileDescriptor) Class.forName("io.kubernetes.client.proto." + file)
              .getMethod("getDescriptor").invoke(null);
          if (seen.add(descriptor.getFullName())) {
            for (Descriptor message : descriptor.getMessageTypes()) {
              messages.put(message.getFullName(), message);
            }
          }
        }
      } catch (ReflectiveOperationException | LinkageError absent) {
        return null;
      }
      return messages.containsKey("k8s.io.apimachinery.pkg.runtime.Unknown") ? new Schema(messages) : null;
    }

    /**
     * The message of {@code kind} in {@code apiVersion}: package {@code k8s.io.api.<group's first label>.<version>}
     * ({@code core} for the core group), the apiextensions server's for {@code apiextensions.k8s.io}, and the
     * meta package for the options kinds every group version shares ({@code DeleteOptions}, …).
     */
    @Nullable Descriptor find(String apiVersion, String kind) {
      int slash = apiVersion.indexOf('/');
      String group = slash < 0 ? "" : apiVersion.substring(0, slash);
      String version = apiVersion.substring(slash + 1);
      String pkg = group.equals("apiextensions.k8s.io")
          ? "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions." + version
          : group.equals("meta.k8s.io") ? META
          : "k8s.io.api." + (group.isEmpty() ? "core" : group.substring(0, group.indexOf('.') < 0 ? group.length()
              : group.indexOf('.'))) + "." + version;
      Descriptor found = messages.get(pkg + "." + kind);
      return found != null ? found : messages.get(META + "." + kind);
    }
  }


}
