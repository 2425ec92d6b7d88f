package dev.converge.api;

/**
 * A condition a resource must meet before the resources that depend on it are acted upon: a CRD must be
 * Established before its custom resources are created, a Deployment available before a webhook that points
 * at it. Gates are pure functions of the live object (and, for some, of related objects).
 */
public interface ReadyGate {

  /**
   * Evaluates the gate.
   *
   * @param live the resource as the server last returned it
   * @param cluster other live objects, for gates that look beyond the resource (a Service's Endpoints)
   * @return whether dependents may proceed, and why not
   */
  Readiness check(Resource live, Lookup cluster);

  /** {@return a short name for reports ({@code "Deployment available"})} */
  String describe();
}
