package dev.converge.api.backend;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The warnings an API server attaches to its answers (Kubernetes' {@code Warning: 299} headers: a deprecated
 * API version, fields dropped as unknown, an admission plugin's note), passed from a backend to whoever made
 * the call.
 *
 * <p>The channel is the calling thread: {@link #collect} runs a backend call with a sink, and a backend
 * {@link #report}s each warning of a request it makes on that thread while the call runs. So warnings pass
 * through any decorator between the caller and the backend that makes the request ({@code CachedBackend},
 * {@link ForwardingBackend}s) without those having to know about them. A warning reported with no sink in
 * place is dropped, as a client that does not read the header drops it. Backends make their requests on the
 * calling thread; a backend that hands a request to another thread forwards its warnings itself.
 */
public final class ServerWarnings {
  private static final ThreadLocal<@Nullable Consumer<String>> SINK = new ThreadLocal<>();

  private ServerWarnings() {}

  /**
   * Runs {@code call}, passing the warnings of the requests it makes to {@code sink} (nested calls to the
   * innermost sink), and returns its result.
   *
   * @param <T> the call's result type
   * @param sink receives each warning, on this thread, as the request that got it returns
   * @param call the backend call (or calls)
   * @return what {@code call} returned
   */
  public static <T> T collect(Consumer<String> sink, Supplier<T> call) {
    Consumer<String> outer = SINK.get();
    SINK.set(sink);
    try {
      return call.get();
    } finally {
      if (outer == null) {
        SINK.remove();
      } else {
        SINK.set(outer);
      }
    }
  }

  /**
   * Passes one warning of a request made on this thread to the sink of the call it belongs to, if any.
   *
   * @param warning the warning's text, without the header's code and agent
   */
  public static void report(String warning) {
    Consumer<String> sink = SINK.get();
    if (sink != null) {
      sink.accept(warning);
    }
  }
}
