package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableSet;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgentSpec;
import dev.converge.examples.datadog.model.EnvVar;
import dev.converge.examples.datadog.model.GlobalConfig;
import java.util.List;

/**
 * What every DatadogAgent gets (the Datadog Operator's "enabledefault" feature): the three components'
 * containers, credentials, site and cluster name, the node agent ↔ Cluster Agent connection, and the base RBAC.
 * With the Cluster Agent running, the node agents' ClusterRole is the kubelet rule alone; without it, every node
 * agent reads the cluster itself and gets the Cluster Agent's metadata reads.
 */
final class CoreFeature implements AgentFeature {
  static final String AGENT_CONTAINER = "agent";
  static final String PROCESS_AGENT_CONTAINER = "process-agent";
  static final String CLUSTER_AGENT_CONTAINER = "cluster-agent";
  static final String RUNNER_CONTAINER = "cluster-checks-runner";
  static final int CLUSTER_AGENT_PORT = 5005;

  @Override
  public String path() {
    return "global";
  }

  @Override
  public boolean enabled(DatadogAgentSpec spec) {
    return true;
  }

  @Override
  public ImmutableSet<ComponentName> requires(DatadogAgentSpec spec) {
    return ImmutableSet.of();
  }

  @Override
  public void render(AgentRendering r) {
    GlobalConfig global = r.spec().global();
    boolean clusterAgent = r.runs(ComponentName.CLUSTER_AGENT);
    r.ifRuns(ComponentName.NODE_AGENT, agent -> {
      agent.image(AgentImages.resolve(global.registry(), AgentImages.AGENT, AgentImages.AGENT_VERSION, null));
      globalEnv(r, agent);
      agent.commonEnv(EnvVar.of("KUBERNETES", "yes"));
      agent.commonEnv(EnvVar.fieldRef("DD_KUBERNETES_KUBELET_HOST", "status.hostIP"));
      clusterAgentConnection(r, agent, clusterAgent);
      agent.container(AGENT_CONTAINER).command("agent", "run").env(EnvVar.of("DD_HEALTH_PORT", "5555"))
          .mount("logdatadog", "/var/log/datadog", false)
          .mount("procdir", "/host/proc", true)
          .mount("cgroups", "/host/sys/fs/cgroup", true);
      agent.container(PROCESS_AGENT_CONTAINER).command("process-agent", "--cfgpath=/etc/datadog-agent/datadog.yaml")
          .mount("logdatadog", "/var/log/datadog", false)
          .mount("procdir", "/host/proc", true)
          .mount("cgroups", "/host/sys/fs/cgroup", true);
      agent.emptyDirVolume("logdatadog");
      agent.hostPathVolume("procdir", "/proc", "");
      agent.hostPathVolume("cgroups", "/sys/fs/cgroup", "");
      agent.clusterRule(AgentRules.kubelet());
      if (!clusterAgent) {
        // No proxy: each node agent reads cluster metadata itself and elects a leader for cluster-level checks.
        agent.container(AGENT_CONTAINER).env(EnvVar.of("DD_LEADER_ELECTION", "true"));
        AgentRules.clusterMetadata().forEach(agent::clusterRule);
        agent.clusterRule(AgentRbacRule.of("coordination.k8s.io", List.of("leases"), List.of("get", "create", "update")));
        agent.clusterRule(AgentRbacRule.of("", List.of("configmaps"), List.of("get", "create", "update")));
      }
    });
    r.ifRuns(ComponentName.CLUSTER_AGENT, dca -> {
      dca.image(AgentImages.resolve(global.registry(), AgentImages.CLUSTER_AGENT, AgentImages.CLUSTER_AGENT_VERSION, null));
      globalEnv(r, dca);
      if (r.appKeyEnv() != null) {
        dca.commonEnv(r.appKeyEnv());
      }
      dca.commonEnv(EnvVar.secretKeyRef("DD_CLUSTER_AGENT_AUTH_TOKEN", AgentNames.token(r.dda()), AgentNames.TOKEN_KEY));
      dca.commonEnv(EnvVar.of("DD_CLUSTER_AGENT_KUBERNETES_SERVICE_NAME", AgentNames.clusterAgent(r.dda())));
      dca.commonEnv(EnvVar.of("DD_KUBE_RESOURCES_NAMESPACE", r.namespace()));
      dca.commonEnv(EnvVar.of("DD_LEADER_ELECTION", "true"));
      dca.commonEnv(EnvVar.of("DD_LEADER_LEASE_NAME", AgentNames.leaderElection(r.dda())));
      dca.commonEnv(EnvVar.of("DD_HEALTH_PORT", "5556"));
      dca.commonEnv(EnvVar.fieldRef("DD_POD_NAME", "metadata.name"));
      // Explicit so that `kubectl describe` shows what is off; the features turn them on.
      dca.commonEnv(EnvVar.of("DD_CLUSTER_CHECKS_ENABLED", "false"));
      dca.commonEnv(EnvVar.of("DD_ADMISSION_CONTROLLER_ENABLED", "false"));
      dca.container(CLUSTER_AGENT_CONTAINER).port("agentport", CLUSTER_AGENT_PORT, "TCP", false)
          .mount("logdatadog", "/var/log/datadog", false);
      dca.emptyDirVolume("logdatadog");
      dca.servicePort("agentport", CLUSTER_AGENT_PORT, CLUSTER_AGENT_PORT, "TCP");
      AgentRules.clusterMetadata().forEach(dca::clusterRule);
      String lease = AgentNames.leaderElection(r.dda());
      dca.namespaceRule(AgentRbacRule.named("coordination.k8s.io", List.of("leases"), List.of(lease), List.of("get", "update")));
      dca.namespaceRule(AgentRbacRule.of("coordination.k8s.io", List.of("leases"), List.of("create")));
      dca.namespaceRule(AgentRbacRule.named("", List.of("configmaps"), List.of(lease, "datadog-leader-election", "datadog-cluster-id"),
          List.of("get", "update")));
      dca.namespaceRule(AgentRbacRule.of("", List.of("configmaps"), List.of("create")));
      dca.namespaceRule(AgentRbacRule.named("datadoghq.com", List.of("datadogagents"), List.of(r.dda().name()), AgentRules.GET));
    });
    r.ifRuns(ComponentName.CLUSTER_CHECKS_RUNNER, runner -> {
      runner.image(AgentImages.resolve(global.registry(), AgentImages.AGENT, AgentImages.AGENT_VERSION, null));
      globalEnv(r, runner);
      clusterAgentConnection(r, runner, true);
      runner.commonEnv(EnvVar.of("DD_CLC_RUNNER_ENABLED", "true"));
      runner.commonEnv(EnvVar.fieldRef("DD_CLC_RUNNER_HOST", "status.podIP"));
      runner.commonEnv(EnvVar.fieldRef("DD_CLC_RUNNER_ID", "metadata.name"));
      runner.commonEnv(EnvVar.of("DD_EXTRA_CONFIG_PROVIDERS", "clusterchecks"));
      runner.commonEnv(EnvVar.of("DD_HEALTH_PORT", "5557"));
      runner.commonEnv(EnvVar.of("DD_ENABLE_METADATA_COLLECTION", "false"));
      runner.container(RUNNER_CONTAINER).command("agent", "run").mount("logdatadog", "/var/log/datadog", false);
      runner.emptyDirVolume("logdatadog");
      runner.clusterRule(AgentRbacRule.nonResource(List.of("/version", "/healthz"), AgentRules.GET));
    });
  }

  private static void globalEnv(AgentRendering r, ComponentBuilder component) {
    GlobalConfig global = r.spec().global();
    component.commonEnv(r.apiKeyEnv());
    component.commonEnv(EnvVar.of("DD_SITE", global.site()));
    if (global.clusterName() != null) {
      component.commonEnv(EnvVar.of("DD_CLUSTER_NAME", global.clusterName()));
    }
    component.commonEnv(EnvVar.of("DD_LOG_LEVEL", global.logLevel()));
    if (!global.tags().isEmpty()) {
      component.commonEnv(EnvVar.of("DD_TAGS", String.join(" ", global.tags())));
    }
  }

  private static void clusterAgentConnection(AgentRendering r, ComponentBuilder component, boolean clusterAgent) {
    component.commonEnv(EnvVar.of("DD_CLUSTER_AGENT_ENABLED", Boolean.toString(clusterAgent)));
    if (clusterAgent) {
      component.commonEnv(EnvVar.of("DD_CLUSTER_AGENT_KUBERNETES_SERVICE_NAME", AgentNames.clusterAgent(r.dda())));
      component.commonEnv(EnvVar.secretKeyRef("DD_CLUSTER_AGENT_AUTH_TOKEN", AgentNames.token(r.dda()), AgentNames.TOKEN_KEY));
    }
  }
}
