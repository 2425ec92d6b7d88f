package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The table columns of the built-in kinds, as kube-apiserver's printers define them
 * ({@code pkg/printers/internalversion/printers.go}): what {@code kubectl get} shows for each kind, wide-only
 * columns at priority 1. Kinds without a printer get {@code Name} and {@code Created At}, as the default table
 * convertor gives them.
 */
final class BuiltinColumns {
  private static final String NONE = "<none>";
  private static final ImmutableMap<GroupKind, ImmutableList<Column>> COLUMNS = table();

  private BuiltinColumns() {}

  static ImmutableList<Column> forKind(GroupKind kind) {
    ImmutableList<Column> columns = COLUMNS.get(kind);
    if (columns != null) {
      return columns;
    }
    return ImmutableList.of(Column.nameColumn(), new Column("Created At", "date", "", "CreationTimestamp is a timestamp "
        + "representing the server time when this object was created.", 0,
        (object, now) -> text(object.metadata().path("creationTimestamp").asText(""))));
  }

  private static ImmutableMap<GroupKind, ImmutableList<Column>> table() {
    ImmutableMap.Builder<GroupKind, ImmutableList<Column>> table = ImmutableMap.builder();
    table.put(core("Pod"), ImmutableList.of(Column.nameColumn(),
        Column.text("Ready", 0, "The aggregate readiness state of this pod for accepting traffic.",
            (o, now) -> text(PodRow.of(o).ready())),
        Column.text("Status", 0, "The aggregate status of the containers in this pod.", (o, now) -> text(podStatus(o))),
        Column.text("Restarts", 0, "The number of times the containers in this pod have been restarted.",
            (o, now) -> text(PodRow.of(o).restarts(now))),
        Column.ageColumn(),
        Column.text("IP", 1, "IP address allocated to the pod.", (o, now) -> orNone(o.at("status.podIP"))),
        Column.text("Node", 1, "Name of the Node this pod runs on.", (o, now) -> orNone(o.at("spec.nodeName"))),
        Column.text("Nominated Node", 1, "Name of the node nominated by the scheduler.",
            (o, now) -> orNone(o.at("status.nominatedNodeName"))),
        Column.text("Readiness Gates", 1, "The readiness gates of this pod.", (o, now) -> readinessGates(o))));
    table.put(core("Node"), ImmutableList.of(Column.nameColumn(),
        Column.text("Status", 0, "The status of the node.", (o, now) -> text(nodeStatus(o))),
        Column.text("Roles", 0, "The roles of the node.", (o, now) -> text(nodeRoles(o))),
        Column.ageColumn(),
        Column.text("Version", 0, "Kubelet Version reported by the node.",
            (o, now) -> text(o.at("status.nodeInfo.kubeletVersion").asText(""))),
        Column.text("Internal-IP", 1, "The node's internal IP.", (o, now) -> address(o, "InternalIP")),
        Column.text("External-IP", 1, "The node's external IP.", (o, now) -> address(o, "ExternalIP")),
        Column.text("OS-Image", 1, "OS Image reported by the node.", (o, now) -> orUnknown(o.at("status.nodeInfo.osImage"))),
        Column.text("Kernel-Version", 1, "Kernel Version reported by the node.",
            (o, now) -> orUnknown(o.at("status.nodeInfo.kernelVersion"))),
        Column.text("Container-Runtime", 1, "Container Runtime Version reported by the node.",
            (o, now) -> orUnknown(o.at("status.nodeInfo.containerRuntimeVersion")))));
    table.put(core("Namespace"), ImmutableList.of(Column.nameColumn(),
        Column.text("Status", 0, "The status of the namespace.", (o, now) -> text(o.at("status.phase").asText(""))),
        Column.ageColumn()));
    table.put(core("Service"), ImmutableList.of(Column.nameColumn(),
        Column.text("Type", 0, "The type of the service.", (o, now) -> text(o.at("spec.type").asText("ClusterIP"))),
        Column.text("Cluster-IP", 0, "The cluster IP of the service.", (o, now) -> orNone(o.at("spec.clusterIP"))),
        Column.text("External-IP", 0, "The external IPs of the service.", (o, now) -> externalIps(o)),
        Column.text("Port(s)", 0, "The ports of the service.", (o, now) -> text(servicePorts(o))),
        Column.ageColumn(),
        Column.text("Selector", 1, "The selector of the service.", (o, now) -> text(selector(o.at("spec.selector"))))));
    table.put(core("ConfigMap"), ImmutableList.of(Column.nameColumn(),
        Column.integer("Data", 0, "Number of entries in the ConfigMap.",
            (o, now) -> number(o.json().path("data").size() + o.json().path("binaryData").size())),
        Column.ageColumn()));
    table.put(core("Secret"), ImmutableList.of(Column.nameColumn(),
        Column.text("Type", 0, "The type of the secret.", (o, now) -> text(o.json().path("type").asText("Opaque"))),
        Column.integer("Data", 0, "Number of entries in the Secret.", (o, now) -> number(o.json().path("data").size())),
        Column.ageColumn()));
    table.put(core("ServiceAccount"), ImmutableList.of(Column.nameColumn(),
        Column.integer("Secrets", 0, "The secrets of the service account.", (o, now) -> number(o.json().path("secrets").size())),
        Column.ageColumn()));
    table.put(core("Endpoints"), ImmutableList.of(Column.nameColumn(),
        Column.text("Endpoints", 0, "The endpoints.", (o, now) -> text(endpoints(o))), Column.ageColumn()));
    table.put(GroupKind.of("discovery.k8s.io", "EndpointSlice"), ImmutableList.of(Column.nameColumn(),
        Column.text("AddressType", 0, "The type of address carried by this EndpointSlice.",
            (o, now) -> text(o.json().path("addressType").asText(""))),
        Column.text("Ports", 0, "The network ports exposed by each endpoint in this slice.",
            (o, now) -> text(slicePorts(o))),
        Column.text("Endpoints", 0, "A list of unique endpoints in this slice.", (o, now) -> text(sliceEndpoints(o))),
        Column.ageColumn()));
    table.put(core("Event"), ImmutableList.of(
        Column.text("Last Seen", 0, "Time since the last occurrence.", (o, now) -> text(Ages.since(
            firstText(o, "lastTimestamp", "eventTime", "metadata.creationTimestamp"), now))),
        Column.text("Type", 0, "The type of the event.", (o, now) -> text(o.json().path("type").asText(""))),
        Column.text("Reason", 0, "The reason of the event.", (o, now) -> text(o.json().path("reason").asText(""))),
        Column.text("Object", 0, "The object the event is about.", (o, now) -> text(
            o.at("involvedObject.kind").asText("").toLowerCase() + "/" + o.at("involvedObject.name").asText(""))),
        Column.text("Message", 0, "The message of the event.", (o, now) -> text(o.json().path("message").asText("")))));
    table.put(apps("Deployment"), workload(ImmutableList.of(
        Column.text("Ready", 0, "Number of ready replicas out of the desired ones.",
            (o, now) -> text(o.at("status.readyReplicas").asLong(0) + "/" + o.at("spec.replicas").asLong(1))),
        Column.integer("Up-to-date", 0, "Number of replicas updated to the latest template.",
            (o, now) -> number(o.at("status.updatedReplicas").asLong(0))),
        Column.integer("Available", 0, "Number of available replicas.",
            (o, now) -> number(o.at("status.availableReplicas").asLong(0))))));
    table.put(apps("ReplicaSet"), workload(ImmutableList.of(
        Column.integer("Desired", 0, "Number of desired pods.", (o, now) -> number(o.at("spec.replicas").asLong(1))),
        Column.integer("Current", 0, "Number of actual pods.", (o, now) -> number(o.at("status.replicas").asLong(0))),
        Column.integer("Ready", 0, "Number of ready pods.", (o, now) -> number(o.at("status.readyReplicas").asLong(0))))));
    table.put(apps("StatefulSet"), workload(ImmutableList.of(
        Column.text("Ready", 0, "Number of ready replicas out of the desired ones.",
            (o, now) -> text(o.at("status.readyReplicas").asLong(0) + "/" + o.at("spec.replicas").asLong(1))))));
    table.put(apps("DaemonSet"), workload(ImmutableList.of(
        Column.integer("Desired", 0, "The number of nodes that should run the daemon pod.",
            (o, now) -> number(o.at("status.desiredNumberScheduled").asLong(0))),
        Column.integer("Current", 0, "The number of nodes running at least one daemon pod.",
            (o, now) -> number(o.at("status.currentNumberScheduled").asLong(0))),
        Column.integer("Ready", 0, "The number of nodes whose daemon pod is ready.",
            (o, now) -> number(o.at("status.numberReady").asLong(0))),
        Column.integer("Up-to-date", 0, "The number of nodes running the updated daemon pod.",
            (o, now) -> number(o.at("status.updatedNumberScheduled").asLong(0))),
        Column.integer("Available", 0, "The number of nodes whose daemon pod is available.",
            (o, now) -> number(o.at("status.numberAvailable").asLong(0))),
        Column.text("Node Selector", 0, "The node selector of the daemon pods.",
            (o, now) -> text(selector(o.at("spec.template.spec.nodeSelector")))))));
    table.put(GroupKind.of("policy", "PodDisruptionBudget"), ImmutableList.of(Column.nameColumn(),
        Column.text("Min Available", 0, "The minimum number of pods that must be available.",
            (o, now) -> text(orNotApplicable(o.at("spec.minAvailable")))),
        Column.text("Max Unavailable", 0, "The maximum number of pods that may be unavailable.",
            (o, now) -> text(orNotApplicable(o.at("spec.maxUnavailable")))),
        Column.integer("Allowed Disruptions", 0, "Calculated number of pods that may be disrupted at this time.",
            (o, now) -> number(o.at("status.disruptionsAllowed").asLong(0))),
        Column.ageColumn()));
    table.put(GroupKind.of("coordination.k8s.io", "Lease"), ImmutableList.of(Column.nameColumn(),
        Column.text("Holder", 0, "The holder of the lease.", (o, now) -> text(o.at("spec.holderIdentity").asText(""))),
        Column.ageColumn()));
    ImmutableList<Column> binding = ImmutableList.of(Column.nameColumn(),
        Column.text("Role", 0, "The role the binding grants.",
            (o, now) -> text(o.at("roleRef.kind").asText("") + "/" + o.at("roleRef.name").asText(""))),
        Column.ageColumn(),
        Column.text("Users", 1, "The users bound.", (o, now) -> text(subjects(o, "User"))),
        Column.text("Groups", 1, "The groups bound.", (o, now) -> text(subjects(o, "Group"))),
        Column.text("ServiceAccounts", 1, "The service accounts bound.", (o, now) -> text(subjects(o, "ServiceAccount"))));
    table.put(GroupKind.of("rbac.authorization.k8s.io", "RoleBinding"), binding);
    table.put(GroupKind.of("rbac.authorization.k8s.io", "ClusterRoleBinding"), binding);
    table.put(GroupKind.of("batch", "Job"), workload(ImmutableList.of(
        Column.text("Status", 0, "Status of the job.", (o, now) -> text(jobStatus(o))),
        Column.text("Completions", 0, "Successful pods out of the desired completions.",
            (o, now) -> text(jobCompletions(o))),
        Column.text("Duration", 0, "Time required to complete the job.", (o, now) -> text(jobDuration(o, now))))));
    // printCronJob: the job template's containers and selector in the wide columns.
    table.put(GroupKind.of("batch", "CronJob"), ImmutableList.of(Column.nameColumn(),
        Column.text("Schedule", 0, "The schedule in Cron format.", (o, now) -> text(o.at("spec.schedule").asText(""))),
        Column.text("Timezone", 0, "The time zone name for the given schedule.",
            (o, now) -> text(o.at("spec.timeZone").asText(NONE))),
        new Column("Suspend", "boolean", "", "This flag tells the controller to suspend subsequent executions.", 0,
            (o, now) -> text(boolPointer(o.at("spec.suspend")))),
        Column.integer("Active", 0, "A list of pointers to currently running jobs.",
            (o, now) -> number(o.at("status.active").size())),
        Column.text("Last Schedule", 0, "Information when was the last time the job was successfully scheduled.",
            (o, now) -> text(o.at("status.lastScheduleTime").isTextual()
                ? Ages.since(o.at("status.lastScheduleTime").asText(), now) : NONE)),
        Column.ageColumn(),
        Column.text("Containers", 1, "Names of each container in the template.",
            (o, now) -> text(containers(o, "spec.jobTemplate.spec.template.spec.containers", "name"))),
        Column.text("Images", 1, "Images referenced by each container in the template.",
            (o, now) -> text(containers(o, "spec.jobTemplate.spec.template.spec.containers", "image"))),
        Column.text("Selector", 1, "Label selector for pods.",
            (o, now) -> text(selector(o.at("spec.jobTemplate.spec.selector.matchLabels"))))));
    table.put(GroupKind.of("storage.k8s.io", "CSIDriver"), ImmutableList.of(Column.nameColumn(),
        bool("AttachRequired", "Whether the driver needs an attach operation before a mount.", "spec.attachRequired", true),
        bool("PodInfoOnMount", "Whether the driver is passed the pod's information on mount.", "spec.podInfoOnMount",
            false),
        bool("StorageCapacity", "Whether the driver reports storage capacity for the scheduler.",
            "spec.storageCapacity", false),
        Column.text("TokenRequests", 0, "The audiences of the service account tokens the driver is passed.",
            (o, now) -> text(tokenAudiences(o))),
        bool("RequiresRepublish", "Whether the driver's NodePublishVolume is called periodically.",
            "spec.requiresRepublish", false),
        Column.text("Modes", 0, "The volume lifecycle modes the driver supports.",
            (o, now) -> text(joined(o.at("spec.volumeLifecycleModes")))),
        Column.ageColumn()));
    table.put(GroupKind.of("storage.k8s.io", "CSINode"), ImmutableList.of(Column.nameColumn(),
        Column.integer("Drivers", 0, "The CSI drivers installed on the node.", (o, now) -> number(o.at("spec.drivers").size())),
        Column.ageColumn()));
    table.put(GroupKind.of("node.k8s.io", "RuntimeClass"), ImmutableList.of(Column.nameColumn(),
        Column.text("Handler", 0, "", (o, now) -> text(o.json().path("handler").asText(""))),
        Column.ageColumn()));
    return table.buildOrThrow();
  }

  /** A boolean column of {@code path}, {@code otherwise} when unset ({@code printCSIDriver}). */
  private static Column bool(String name, String description, String path, boolean otherwise) {
    return new Column(name, "boolean", "", description, 0, (o, now) -> {
      JsonNode value = o.at(path);
      return Json.nodes().booleanNode(value.isBoolean() ? value.asBoolean() : otherwise);
    });
  }

  /** A CSIDriver's token request audiences, or {@code <unset>} without any. */
  private static String tokenAudiences(Resource driver) {
    JsonNode requests = driver.at("spec.tokenRequests");
    if (!requests.isArray()) {
      return "<unset>";
    }
    List<String> audiences = new ArrayList<>();
    requests.forEach(request -> audiences.add(request.path("audience").asText("")));
    return String.join(",", audiences);
  }

  /** The strings of {@code list} joined by commas, or {@code <none>}. */
  private static String joined(JsonNode list) {
    List<String> items = new ArrayList<>();
    list.forEach(item -> items.add(item.asText()));
    return items.isEmpty() ? NONE : String.join(",", items);
  }

  /** A workload's columns: name, its own, age; wide: containers, images, selector. */
  private static ImmutableList<Column> workload(ImmutableList<Column> own) {
    ImmutableList.Builder<Column> columns = ImmutableList.builder();
    columns.add(Column.nameColumn()).addAll(own).add(Column.ageColumn());
    columns.add(Column.text("Containers", 1, "Names of each container in the template.",
        (o, now) -> text(containers(o, "name"))));
    columns.add(Column.text("Images", 1, "Images referenced by each container in the template.",
        (o, now) -> text(containers(o, "image"))));
    columns.add(Column.text("Selector", 1, "Label selector for pods.",
        (o, now) -> text(selector(o.at("spec.selector.matchLabels")))));
    return columns.build();
  }

  private static GroupKind core(String kind) {
    return GroupKind.of("", kind);
  }

  private static GroupKind apps(String kind) {
    return GroupKind.of("apps", kind);
  }

  static JsonNode text(String value) {
    return Json.nodes().textNode(value);
  }

  private static JsonNode number(long value) {
    return Json.nodes().numberNode(value);
  }

  private static JsonNode orNone(JsonNode value) {
    return text(value.asText("").isEmpty() ? NONE : value.asText());
  }

  private static JsonNode orUnknown(JsonNode value) {
    return text(value.asText("").isEmpty() ? "<unknown>" : value.asText());
  }

  private static String firstText(Resource object, String... paths) {
    for (String path : paths) {
      String value = object.at(path).asText("");
      if (!value.isEmpty()) {
        return value;
      }
    }
    return "";
  }

  /** {@code printPod}'s status: see {@link PodRow}. */
  static String podStatus(Resource pod) {
    return PodRow.of(pod).reason();
  }

  private static JsonNode readinessGates(Resource pod) {
    JsonNode gates = pod.at("spec.readinessGates");
    if (gates.size() == 0) {
      return text(NONE);
    }
    int met = 0;
    for (JsonNode gate : gates) {
      for (JsonNode condition : pod.at("status.conditions")) {
        if (condition.path("type").asText("").equals(gate.path("conditionType").asText())
            && condition.path("status").asText("").equals("True")) {
          met++;
        }
      }
    }
    return text(met + "/" + gates.size());
  }

  /** {@code Ready}, {@code NotReady} or {@code Unknown}, plus {@code SchedulingDisabled} for a cordoned node. */
  static String nodeStatus(Resource node) {
    String status = "Unknown";
    for (JsonNode condition : node.at("status.conditions")) {
      if (condition.path("type").asText("").equals("Ready")) {
        status = condition.path("status").asText("").equals("True") ? "Ready" : "NotReady";
      }
    }
    if (node.at("spec.unschedulable").asBoolean(false)) {
      status += ",SchedulingDisabled";
    }
    return status;
  }

  /** The roles of {@code node-role.kubernetes.io/<role>} and {@code kubernetes.io/role} labels, sorted. */
  static String nodeRoles(Resource node) {
    TreeSet<String> roles = new TreeSet<>();
    for (Map.Entry<String, String> label : node.labels().entrySet()) {
      if (label.getKey().startsWith("node-role.kubernetes.io/")) {
        String role = label.getKey().substring("node-role.kubernetes.io/".length());
        if (!role.isEmpty()) {
          roles.add(role);
        }
      } else if (label.getKey().equals("kubernetes.io/role") && !label.getValue().isEmpty()) {
        roles.add(label.getValue());
      }
    }
    return roles.isEmpty() ? NONE : String.join(",", roles);
  }

  private static JsonNode address(Resource node, String type) {
    for (JsonNode address : node.at("status.addresses")) {
      if (address.path("type").asText("").equals(type)) {
        return text(address.path("address").asText(NONE));
      }
    }
    return text(NONE);
  }

  private static JsonNode externalIps(Resource service) {
    List<String> ips = new ArrayList<>();
    for (JsonNode ingress : service.at("status.loadBalancer.ingress")) {
      ips.add(ingress.path("ip").asText(ingress.path("hostname").asText("")));
    }
    for (JsonNode ip : service.at("spec.externalIPs")) {
      ips.add(ip.asText());
    }
    if (ips.isEmpty()) {
      return text(service.at("spec.type").asText("").equals("LoadBalancer") ? "<pending>" : NONE);
    }
    return text(String.join(",", ips));
  }

  /** {@code 443/TCP}, {@code 80:30080/TCP} with a node port; {@code <none>} without ports. */
  static String servicePorts(Resource service) {
    List<String> ports = new ArrayList<>();
    for (JsonNode port : service.at("spec.ports")) {
      String nodePort = port.path("nodePort").asInt(0) > 0 ? ":" + port.path("nodePort").asInt() : "";
      ports.add(port.path("port").asInt() + nodePort + "/" + port.path("protocol").asText("TCP"));
    }
    return ports.isEmpty() ? NONE : String.join(",", ports);
  }

  private static String selector(JsonNode labels) {
    List<String> terms = new ArrayList<>();
    for (Map.Entry<String, JsonNode> label : labels.properties()) {
      terms.add(label.getKey() + "=" + label.getValue().asText());
    }
    return terms.isEmpty() ? NONE : String.join(",", terms);
  }

  private static String containers(Resource workload, String field) {
    return containers(workload, "spec.template.spec.containers", field);
  }

  /** {@code printBoolPtr}: True, False, or {@code <unset>}. */
  private static String boolPointer(JsonNode value) {
    return value.isBoolean() ? (value.asBoolean() ? "True" : "False") : "<unset>";
  }

  private static String containers(Resource workload, String path, String field) {
    List<String> values = new ArrayList<>();
    for (JsonNode container : workload.at(path)) {
      values.add(container.path(field).asText(""));
    }
    return String.join(",", values);
  }

  /** The most addresses or ports a cell lists before {@code + N more...} ({@code formatEndpoints}'s {@code max}). */
  private static final int LISTED = 3;

  /**
   * {@code formatEndpoints}: {@code ip:port} for each port and address of each subset (the addresses alone for a
   * subset without ports), at most three then {@code + N more...}; {@code <none>} without subsets.
   */
  private static String endpoints(Resource endpoints) {
    JsonNode subsets = endpoints.json().path("subsets");
    if (subsets.isEmpty()) {
      return NONE;
    }
    List<String> values = new ArrayList<>();
    int count = 0;
    for (JsonNode subset : subsets) {
      JsonNode ports = subset.path("ports");
      for (JsonNode port : ports.isEmpty() ? List.<JsonNode>of(MissingNode.getInstance()) : ports) {
        for (JsonNode address : subset.path("addresses")) {
          String ip = address.path("ip").asText();
          if (values.size() < LISTED) {
            values.add(port.isMissingNode() ? ip : hostPort(ip, port.path("port").asInt()));
          }
          count++;
        }
      }
    }
    return withMore(values, count, "");
  }

  /** {@code net.JoinHostPort}: an IPv6 address in brackets. */
  private static String hostPort(String ip, int port) {
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
  }

  /** {@code formatDiscoveryPorts}: each port's number (else its name, else {@code *}), at most three. */
  private static String slicePorts(Resource slice) {
    List<String> values = new ArrayList<>();
    int count = 0;
    for (JsonNode port : slice.json().path("ports")) {
      if (values.size() < LISTED) {
        values.add(port.hasNonNull("port") ? port.path("port").asText()
            : port.hasNonNull("name") ? port.path("name").asText() : "*");
      }
      count++;
    }
    return withMore(values, count, "<unset>");
  }

  /** {@code formatDiscoveryEndpoints}: the endpoints' addresses, at most three. */
  private static String sliceEndpoints(Resource slice) {
    List<String> values = new ArrayList<>();
    int count = 0;
    for (JsonNode endpoint : slice.json().path("endpoints")) {
      for (JsonNode address : endpoint.path("addresses")) {
        if (values.size() < LISTED) {
          values.add(address.asText());
        }
        count++;
      }
    }
    return withMore(values, count, "<unset>");
  }

  /** {@code listWithMoreString}: the values, {@code + N more...} for those left out, {@code empty} for none. */
  private static String withMore(List<String> values, int count, String empty) {
    String joined = String.join(",", values);
    if (count > LISTED) {
      return joined + " + " + (count - LISTED) + " more...";
    }
    return joined.isEmpty() && !empty.isEmpty() ? empty : joined;
  }

  private static String subjects(Resource binding, String kind) {
    List<String> names = new ArrayList<>();
    for (JsonNode subject : binding.json().path("subjects")) {
      if (subject.path("kind").asText("").equals(kind)) {
        String namespace = subject.path("namespace").asText("");
        names.add(kind.equals("ServiceAccount") ? namespace + "/" + subject.path("name").asText()
            : subject.path("name").asText());
      }
    }
    return String.join(", ", names);
  }

  /**
   * {@code printJob}'s status: Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet, in
   * that order, else Running (k8s.io/kubernetes {@code pkg/printers/internalversion/printers.go}).
   */
  private static String jobStatus(Resource job) {
    if (ReadyGates.conditionIsTrue(job, "Complete")) {
      return "Complete";
    }
    if (ReadyGates.conditionIsTrue(job, "Failed")) {
      return "Failed";
    }
    if (job.isBeingDeleted()) {
      return "Terminating";
    }
    for (String type : new String[] {"Suspended", "FailureTarget", "SuccessCriteriaMet"}) {
      if (ReadyGates.conditionIsTrue(job, type)) {
        return type;
      }
    }
    return "Running";
  }

  /** {@code printJob}'s completions: {@code 2/3}; a work queue's {@code 0/1}, or {@code 0/1 of 4} in parallel. */
  private static String jobCompletions(Resource job) {
    long succeeded = job.at("status.succeeded").asLong(0);
    JsonNode completions = job.at("spec.completions");
    if (completions.isNumber()) {
      return succeeded + "/" + completions.asLong();
    }
    long parallelism = job.at("spec.parallelism").asLong(0);
    return succeeded + "/1" + (parallelism > 1 ? " of " + parallelism : "");
  }

  /** From {@code startTime} to {@code completionTime}, or to now while it runs; empty before it starts. */
  private static String jobDuration(Resource job, Instant now) {
    JsonNode start = job.at("status.startTime");
    if (!start.isTextual()) {
      return "";
    }
    JsonNode end = job.at("status.completionTime");
    Instant until = end.isTextual() ? Instant.parse(end.asText()) : now;
    return Ages.human(Duration.between(Instant.parse(start.asText()), until));
  }

  /** An int-or-string as kubectl prints it, or {@code N/A} when unset. */
  private static String orNotApplicable(JsonNode value) {
    return value.isMissingNode() || value.isNull() ? "N/A" : value.asText();
  }
}
