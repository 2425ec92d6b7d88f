package dev.converge.guides.simulate;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * "Simulate your DaemonSet at 5,000 nodes", section 8: the guide's input on 210 nodes with an agent image the
 * registry does not have ({@code --missing-image}) prints the rollout section the guide shows: the DaemonSet never
 * available, and why, as {@code kubectl get pods} would say it.
 */
class NodeAgentBadImageTest {
  @Test
  void aMissingImage_printsTheRolloutSectionTheGuideShows() throws IOException {
    String out = NodeAgentRuns.simulate("-f", NodeAgentRuns.INPUT, "--set", "NodePool/general:spec.count=200",
        "--set", "NodePool/gpu:spec.count=10", "--duration", "5m", "--seed", "42",
        "--set", "DaemonSet/node-agent:spec.template.spec.containers[0].image=example.com/node-agent:2.4",
        "--missing-image", "example.com/node-agent:2.4");
    // From the rollout table to the load table, which the guide's section 5 explains already.
    String rollout = out.substring(out.indexOf("Rollout\n"), out.indexOf("\nAPI server:"));
    NodeAgentRuns.matchesTheGuide("node-agent-bad-image.txt", rollout);
  }
}
