package com.example.greeting;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
import static dev.converge.testkit.assertions.ConvergeAssertions.assertThatConvergence;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.Backend;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.testkit.KubeObjects;
import dev.converge.testkit.junit.InMemoryClusterTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reconciler on testkit's in-memory cluster, with the engine's real control loop. */
@InMemoryClusterTest(seed = 3)
class GreetingReconcilerTest {
  private static final ResourceKey HELLO = ResourceKey.of(GreetingReconciler.KIND, "demo", "hello");

  @BeforeEach
  void install(Backend admin) {
    admin.create(KubeObjects.customResourceDefinition("example.com", "v1", "Greeting", "greetings", true));
    admin.create(KubeObjects.namespace("demo"));
  }

  @Test
  void aGreeting_convergesInOnePass_andThenWritesNothing(InMemoryCluster cluster, VirtualScheduler clock) {
    ControlLoop<String> loop = ControlLoop.builder(cluster.backend(), new GreetingReconciler(), clock).build();
    cluster.backend().create(KubeObjects.customResource("example.com/v1", "Greeting", "demo", "hello",
        Json.object().put("message", "hello, world")));

    assertThatConvergence(loop, HELLO).withRequestLog(cluster.requests())
        .convergesWithin(1)
        .writesNothingWhenConverged();
    assertThat(cluster).object("ConfigMap/demo/hello-greeting").isOwnedBy(HELLO).hasText("data.message", "hello, world");
  }

  @Test
  void aGreetingWithoutMessage_createsNothing(InMemoryCluster cluster, VirtualScheduler clock) {
    ControlLoop<String> loop = ControlLoop.builder(cluster.backend(), new GreetingReconciler(), clock).build();
    cluster.backend().create(KubeObjects.customResource("example.com/v1", "Greeting", "demo", "hello", Json.object()));

    assertThat(loop.reconcile(HELLO).tag()).isEqualTo("invalid");
    assertThat(cluster).ownsNothing(HELLO, loop.ownedKinds());
  }
}
