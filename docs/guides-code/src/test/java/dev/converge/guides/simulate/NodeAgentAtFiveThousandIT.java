package dev.converge.guides.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Simulate your DaemonSet at 5,000 nodes": the guide's command, exactly — 4,900 general and 100 tainted GPU
 * nodes, 10 simulated minutes, seed 42 — prints exactly the report the guide walks through (wall time masked).
 * An {@code *IT}: about a minute of CPU and 2.5 GB of heap.
 */
class NodeAgentAtFiveThousandIT {
  @TempDir Path dir;

  @Test
  void theGuidesCommand_printsTheGuidesReport_andWritesItsCharts() throws IOException {
    Path report = dir.resolve("node-agent.html");
    String out = NodeAgentRuns.simulate("-f", NodeAgentRuns.INPUT, "--duration", "10m", "--seed", "42",
        "--report", report.toString());
    NodeAgentRuns.matchesTheGuide("node-agent-5000.txt", out);
    // The page charts the same run: 576,452 requests, the rollout of 4,900 pods, no 429s.
    String html = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(html).contains("\"requestsTotal\":576452", "\"rejectedTotal\":0", "\"name\":\"DaemonSet monitoring/node-agent\"");
  }
}
