package dev.converge.guides.audit;

import dev.converge.api.backend.Backend;
import dev.converge.testkit.contract.BackendContract;
import dev.converge.testkit.contract.BackendFixture;
import dev.converge.testkit.contract.InMemoryFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Guide 2, last part: {@link AuditingBackend} over the in-memory backend passes the whole backend contract
 * (every one of its tests, none skipped). The fixture wraps testkit's {@link InMemoryFixture}: the backend
 * under test and the one acting as another user are audited; the hooks the SPI cannot express go to the
 * cluster underneath.
 */
// guide: begin contract
class AuditingBackendContractTest implements BackendContract {
  private final InMemoryFixture cluster = InMemoryFixture.create(42); // JUnit makes a new one per test
  private final List<String> trail = new CopyOnWriteArrayList<>();
  private final Backend audited = new AuditingBackend(cluster.backend(), trail::add);

  @Override
  public BackendFixture fixture() {
    return new BackendFixture() {
      @Override
      public Backend backend() {
        return audited;
      }

      @Override
      public String namespace() {
        return cluster.namespace();
      }

      @Override
      public void awaitTrue(String what, BooleanSupplier condition) {
        cluster.awaitTrue(what, condition);
      }

      @Override
      public Backend backendAs(String user) {
        return new AuditingBackend(cluster.backendAs(user), trail::add);
      }

      @Override
      public void compactHistory() {
        cluster.compactHistory();
      }

      @Override
      public void bookmarkNow() {
        cluster.bookmarkNow();
      }

      @Override
      public void failNextRequest(int code, Duration retryAfter) {
        cluster.failNextRequest(code, retryAfter);
      }
    };
  }
}
// guide: end contract
