package dev.converge.guides.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Simulate your DaemonSet at 5,000 nodes", the quick loop: the guide's input on 210 nodes ({@code --set} on both
 * pools), compared with the agents listing every 5 minutes instead of every 30 s, prints exactly what the guide
 * shows, and {@code --report} writes the HTML page the guide describes.
 */
class NodeAgentCompareTest {
  @TempDir Path dir;

  @Test
  void compare_onTwoHundredNodes_printsWhatTheGuideShows() throws IOException {
    Path report = dir.resolve("node-agent.html");
    String out = NodeAgentRuns.simulate("-f", NodeAgentRuns.INPUT, "--set", "NodePool/general:spec.count=200",
        "--set", "NodePool/gpu:spec.count=10", "--duration", "10m", "--seed", "42",
        "--compare", "WorkloadProfile/node-agent:spec.requests[0].every=5m", "--report", report.toString());
    NodeAgentRuns.matchesTheGuide("node-agent-compare.txt", out);
    String html = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(html).contains("<script type=\"application/json\" id=\"converge-data\">")
        .contains("\"label\":\"with --compare WorkloadProfile/node-agent:spec.requests[0].every=5m\"")
        .doesNotContain("<link", "src=");
  }
}
