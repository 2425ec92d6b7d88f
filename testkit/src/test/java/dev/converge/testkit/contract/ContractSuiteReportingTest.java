package dev.converge.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableMap;
import dev.converge.api.Resource;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.ForwardingBackend;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The suite reports what it did not check, and can fail: run through the JUnit launcher, a declared
 * limitation skips exactly the tests that need it, with the fixture's reason; a backend that breaks one rule
 * fails exactly the tests of that rule; and the in-memory backend passes all of it, more than 40 tests.
 */
class ContractSuiteReportingTest {

  /** Runs {@code suite} and returns, per test method, {@code SUCCESSFUL}, {@code ABORTED: reason} or {@code FAILED}. */
  private static Map<String, String> run(Class<?> suite) {
    Map<String, String> results = new TreeMap<>();
    LauncherFactory.create().execute(
        LauncherDiscoveryRequestBuilder.request().selectors(DiscoverySelectors.selectClass(suite)).build(),
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest()) {
              String outcome = result.getStatus().toString();
              if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                outcome += ": " + result.getThrowable().map(Throwable::getMessage).orElse("");
              }
              results.put(id.getDisplayName(), outcome);
            }
          }
        });
    return results;
  }

  private static Map<String, String> notSuccessful(Map<String, String> results) {
    Map<String, String> out = new TreeMap<>();
    results.forEach((test, outcome) -> {
      if (!outcome.equals("SUCCESSFUL")) {
        out.put(test, outcome);
      }
    });
    return out;
  }

  @Test
  void inMemoryBackend_passesEveryContractTest() {
    Map<String, String> results = run(InMemoryBackendContractTest.class);
    assertThat(results).hasSizeGreaterThanOrEqualTo(40);
    assertThat(notSuccessful(results)).isEmpty();
  }

  @Test
  void declaredLimitations_skipExactlyTheTestsThatNeedThem_withTheReason() {
    Map<String, String> results = run(WithoutBookmarksOrCreate.class);
    assertThat(notSuccessful(results)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "bookmark_carriesTheCurrentVersion_onlyToWatchesThatAskedForBookmarks()",
        "ABORTED: Assumption failed: backend lacks BOOKMARKS: this server sends none",
        "create_returnsTheStoredObject_withUidVersionAndCreationTimestamp()",
        "ABORTED: Assumption failed: backend lacks CREATE: apply only",
        "create_ofATakenName_isAlreadyExists_andKeepsTheFirstObject()",
        "ABORTED: Assumption failed: backend lacks CREATE: apply only",
        "create_inANamespaceThatDoesNotExist_isNotFound()",
        "ABORTED: Assumption failed: backend lacks CREATE: apply only",
        "create_dropsTheStatus_ofKindsWithAStatusSubresource()",
        "ABORTED: Assumption failed: backend lacks CREATE: apply only"));
  }

  @Test
  void backendThatBreaksOneRule_failsTheTestsOfThatRule() {
    Map<String, String> results = run(LastWriteWins.class);
    assertThat(notSuccessful(results)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "update_withAStaleVersion_isARetryableConflict_andChangesNothing()", "FAILED",
        "create_ofATakenName_isAlreadyExists_andKeepsTheFirstObject()", "FAILED"));
  }

  /** The in-memory fixture with two declared gaps. Run only through the launcher (no {@code Test} suffix). */
  static class WithoutBookmarksOrCreate implements BackendContract {
    private final InMemoryFixture fixture = InMemoryFixture.create(42);

    @Override
    public BackendFixture fixture() {
      return new BackendFixture() {
        @Override
        public Backend backend() {
          return fixture.backend();
        }

        @Override
        public String namespace() {
          return fixture.namespace();
        }

        @Override
        public ImmutableMap<Capability, String> limitations() {
          return ImmutableMap.of(Capability.BOOKMARKS, "this server sends none", Capability.CREATE, "apply only");
        }

        @Override
        public void awaitTrue(String what, BooleanSupplier condition) {
          fixture.awaitTrue(what, condition);
        }

        @Override
        public void compactHistory() {
          fixture.compactHistory();
        }

        @Override
        public Backend backendAs(String user) {
          return fixture.backendAs(user);
        }

        @Override
        public void failNextRequest(int code, java.time.Duration retryAfter) {
          fixture.failNextRequest(code, retryAfter);
        }
      };
    }
  }

  /**
   * A backend that declares nothing missing but ignores optimistic concurrency (updates overwrite whatever is
   * stored) and creates by apply (no AlreadyExists): the suite must catch both.
   */
  static class LastWriteWins implements BackendContract {
    private final InMemoryFixture fixture = InMemoryFixture.create(42);
    private final Backend broken = new ForwardingBackend(fixture.backend()) {
      @Override
      public Resource update(Resource resource) {
        String current = fixture.backend().get(resource.key()).map(Resource::resourceVersion).orElse(null);
        return super.update(current == null ? resource
            : resource.edit(t -> t.withObjectProperty("metadata").put("resourceVersion", current)));
      }

      @Override
      public Resource create(Resource resource) {
        return apply(resource, ApplyOptions.defaults());
      }
    };

    @Override
    public BackendFixture fixture() {
      return new BackendFixture() {
        @Override
        public Backend backend() {
          return broken;
        }

        @Override
        public String namespace() {
          return fixture.namespace();
        }

        @Override
        public void awaitTrue(String what, BooleanSupplier condition) {
          fixture.awaitTrue(what, condition);
        }

        @Override
        public void compactHistory() {
          fixture.compactHistory();
        }

        @Override
        public void bookmarkNow() {
          fixture.bookmarkNow();
        }

        @Override
        public Backend backendAs(String user) {
          return fixture.backendAs(user);
        }

        @Override
        public void failNextRequest(int code, java.time.Duration retryAfter) {
          fixture.failNextRequest(code, retryAfter);
        }
      };
    }
  }
}
