package dev.converge.testkit.contract;

/** The whole backend contract, run against the in-memory backend: a fresh cluster per test, nothing skipped. */
class InMemoryBackendContractTest implements BackendContract {
  private final InMemoryFixture fixture = InMemoryFixture.create(42);

  @Override
  public BackendFixture fixture() {
    return fixture;
  }
}
