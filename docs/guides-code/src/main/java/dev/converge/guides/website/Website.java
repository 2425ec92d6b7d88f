package dev.converge.guides.website;

/**
 * The typed view of a {@code Website}, defaults applied: what {@link WebsiteReconciler#decode} reads from the
 * custom resource and {@link WebsiteReconciler#desired} renders.
 *
 * @param namespace the Website's namespace; everything it owns lives there
 * @param name the Website's name, also the name of the objects it owns
 * @param image the web server's image ({@code spec.image}, required)
 * @param replicas the number of web server pods ({@code spec.replicas}, default 1)
 * @param index the page served at {@code /} ({@code spec.index}, default {@link #DEFAULT_INDEX})
 */
public record Website(String namespace, String name, String image, int replicas, String index) {
  /** The page served when {@code spec.index} is not set. */
  public static final String DEFAULT_INDEX = "<h1>It works</h1>";
}
