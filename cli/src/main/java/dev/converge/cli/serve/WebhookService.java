package dev.converge.cli.serve;

import dev.converge.api.Names;
import dev.converge.core.manifest.ManifestException;
import java.util.Optional;

/**
 * A Service whose webhook server runs at a network address, from {@code converge serve --webhook-service
 * NS/NAME=HOST:PORT}: admission and conversion webhooks whose {@code clientConfig.service} is {@code NS/NAME} are
 * posted to {@code HOST:PORT}, as a cluster's Service network forwards them to a pod, so webhook configurations
 * written for a cluster work unchanged against an operator's webhook server on this machine.
 *
 * @param namespace the Service's namespace
 * @param name the Service's name
 * @param address {@code host:port}
 */
public record WebhookService(String namespace, String name, String address) {
  /**
   * Parses {@code NS/NAME=HOST:PORT}.
   *
   * @param text the option's value
   * @return the Service and its address
   * @throws ManifestException when the text is not of that form, names no valid Service, or gives no valid address
   */
  public static WebhookService parse(String text) {
    String problem = "--webhook-service " + text + ": ";
    int equals = text.indexOf('=');
    int slash = equals < 0 ? -1 : text.lastIndexOf('/', equals);
    if (equals < 0 || slash < 0) {
      throw ManifestException.input(problem + "must be NAMESPACE/NAME=HOST:PORT, such as system/webhook-service=127.0.0.1:9443");
    }
    String namespace = text.substring(0, slash);
    String name = text.substring(slash + 1, equals);
    String address = text.substring(equals + 1);
    Optional<String> badNamespace = Names.checkDns1123Label(namespace);
    if (badNamespace.isPresent()) {
      throw ManifestException.input(problem + "namespace \"" + namespace + "\": " + badNamespace.get());
    }
    Optional<String> badName = Names.checkDns1035Label(name);
    if (badName.isPresent()) {
      throw ManifestException.input(problem + "Service name \"" + name + "\": " + badName.get());
    }
    int colon = address.lastIndexOf(':');
    String port = colon < 0 ? "" : address.substring(colon + 1);
    if (colon <= 0 || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535) {
      throw ManifestException.input(problem + "address \"" + address + "\" must be HOST:PORT with a port between 1 and 65535");
    }
    return new WebhookService(namespace, name, address);
  }

  @Override
  public String toString() {
    return namespace + "/" + name + "=" + address;
  }
}
