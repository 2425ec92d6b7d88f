package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Validation of the backend options and the leader election settings. */
class SettingsTest {

  @Test
  void leaderElection_durationsMustBeOrdered() {
    assertThatThrownBy(() -> LeaderElectionSettings.of("ns", "lease", "me")
        .withDurations(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaseDuration > renewDeadline > retryPeriod");
  }

  @Test
  void leaderElection_leaseIsWholeSeconds() {
    assertThatThrownBy(() -> LeaderElectionSettings.of("ns", "lease", "me")
        .withDurations(Duration.ofMillis(1500), Duration.ofSeconds(1), Duration.ofMillis(100)))
        .hasMessageContaining("whole number of seconds");
  }

  @Test
  void leaderElection_defaultsAreClientGos() {
    LeaderElectionSettings settings = LeaderElectionSettings.of("ns", "lease", "me");

    assertThat(settings.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(settings.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void backendOptions_withersChangeOneField() {
    KubernetesBackendOptions options = KubernetesBackendOptions.defaults()
        .withFieldManager("op").withInformers(Duration.ZERO).withWatchTransport(WatchTransport.WEBSOCKET);

    assertThat(options.fieldManager()).isEqualTo("op");
    assertThat(options.informers()).isTrue();
    assertThat(options.informerResync()).isEqualTo(Duration.ZERO);
    assertThat(options.watchTransport()).isEqualTo(WatchTransport.WEBSOCKET);
    assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void backendOptions_rejectNonPositiveTimeouts() {
    assertThatThrownBy(() -> KubernetesBackendOptions.defaults().withRequestTimeout(Duration.ZERO))
        .hasMessageContaining("requestTimeout must be positive");
  }
}
