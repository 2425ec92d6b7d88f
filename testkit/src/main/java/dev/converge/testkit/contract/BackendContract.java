package dev.converge.testkit.contract;

/**
 * The whole contract of the {@link dev.converge.api.backend.Backend} SPI. A backend's test implements it
 * and supplies a fresh {@link BackendFixture} per test:
 *
 * <pre>{@code
 * class InMemoryBackendContractTest implements BackendContract {
 *   private final InMemoryFixture fixture = InMemoryFixture.create(42);
 *
 *   @Override
 *   public BackendFixture fixture() {
 *     return fixture;
 *   }
 * }
 * }</pre>
 *
 * A backend that cannot do everything declares its gaps in {@link BackendFixture#limitations()}, or
 * implements only some of the parts ({@link CrudContract}, {@link ApplyContract}, {@link StatusContract},
 * {@link SelectorContract}, {@link WatchContract}, {@link FinalizerContract}, {@link
 * GarbageCollectionContract}, {@link CustomResourceContract}, {@link ErrorContract}).
 */
public interface BackendContract
    extends CrudContract,
        ApplyContract,
        StatusContract,
        SelectorContract,
        WatchContract,
        FinalizerContract,
        GarbageCollectionContract,
        CustomResourceContract,
        ErrorContract {}
