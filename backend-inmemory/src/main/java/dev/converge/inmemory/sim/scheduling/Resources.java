package dev.converge.inmemory.sim.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.core.schema.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * An amount of the resources the scheduler fits: CPU in millicores, memory in bytes, and pod slots. Quantities
 * are parsed exactly ({@code 100m}, {@code 0.5}, {@code 128Mi}) and rounded up to whole millicores and bytes.
 *
 * @param milliCpu CPU in thousandths of a core
 * @param memory memory in bytes
 * @param pods pod slots (a node's {@code pods} capacity; 1 for a pod's request)
 */
public record Resources(long milliCpu, long memory, long pods) {
  public static final Resources ZERO = new Resources(0, 0, 0);

  /** Reads {@code cpu}, {@code memory} and {@code pods} from a resource list; missing entries are 0. */
  public static Resources of(JsonNode list) {
    return new Resources(milli(list.path("cpu")), whole(list.path("memory")), whole(list.path("pods")));
  }

  /** From a map of quantity strings ({@code cpu: "4", memory: "16Gi", pods: "110"}). */
  public static Resources of(Map<String, String> list) {
    return new Resources(parse(list.get("cpu"), 1000), parse(list.get("memory"), 1), parse(list.get("pods"), 1));
  }

  /**
   * What a pod requests ({@code computePodResourceRequest}): the sum over its containers, or the largest init
   * container if that is more, per resource; and one pod slot.
   */
  public static Resources requestOf(JsonNode podSpec) {
    long cpu = 0;
    long memory = 0;
    for (JsonNode container : podSpec.path("containers")) {
      JsonNode requests = container.path("resources").path("requests");
      cpu += milli(requests.path("cpu"));
      memory += whole(requests.path("memory"));
    }
    for (JsonNode container : podSpec.path("initContainers")) {
      JsonNode requests = container.path("resources").path("requests");
      cpu = Math.max(cpu, milli(requests.path("cpu")));
      memory = Math.max(memory, whole(requests.path("memory")));
    }
    return new Resources(cpu, memory, 1);
  }

  public Resources plus(Resources other) {
    return new Resources(milliCpu + other.milliCpu, memory + other.memory, pods + other.pods);
  }

  public Resources minus(Resources other) {
    return new Resources(milliCpu - other.milliCpu, memory - other.memory, pods - other.pods);
  }

  /** Whether {@code request} fits into what is left of this amount after {@code used}. */
  public boolean fits(Resources used, Resources request) {
    return used.pods + request.pods <= pods
        && (request.milliCpu == 0 || used.milliCpu + request.milliCpu <= milliCpu)
        && (request.memory == 0 || used.memory + request.memory <= memory);
  }

  private static long milli(JsonNode quantity) {
    return quantity.isMissingNode() || quantity.isNull() ? 0 : parse(quantity.asText(), 1000);
  }

  private static long whole(JsonNode quantity) {
    return quantity.isMissingNode() || quantity.isNull() ? 0 : parse(quantity.asText(), 1);
  }

  private static long parse(String text, int scale) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    BigDecimal value = Quantity.parse(text)
        .orElseThrow(() -> new IllegalArgumentException("not a quantity: " + text));
    return value.multiply(BigDecimal.valueOf(scale)).setScale(0, RoundingMode.CEILING).longValueExact();
  }
}
