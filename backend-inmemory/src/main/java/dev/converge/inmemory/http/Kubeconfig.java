package dev.converge.inmemory.http;

/**
 * A kubeconfig text for one server and one bearer token ({@code clientcmd/api/v1.Config}): what kubectl,
 * client-java's {@code ClientBuilder.kubeconfig} and fabric8's {@code Config.fromKubeconfig} read.
 */
public final class Kubeconfig {
  private Kubeconfig() {}

  /**
   * One cluster, user and context, each named {@code name}, the context current; {@code caPem} (the server's
   * certificate, empty for plain HTTP) is trusted as the cluster's certificate authority.
   */
  public static String text(String serverUrl, String caPem, String token, String name) {
    String authority = caPem.isEmpty() ? "" : "    certificate-authority-data: "
        + java.util.Base64.getEncoder().encodeToString(caPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + "\n";
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: " + name + "\n"
        + "  cluster:\n"
        + "    server: " + serverUrl + "\n"
        + authority
        + "users:\n"
        + "- name: " + name + "\n"
        + "  user:\n"
        + "    token: " + token + "\n"
        + "contexts:\n"
        + "- name: " + name + "\n"
        + "  context:\n"
        + "    cluster: " + name + "\n"
        + "    user: " + name + "\n"
        + "    namespace: default\n"
        + "current-context: " + name + "\n";
  }
}
