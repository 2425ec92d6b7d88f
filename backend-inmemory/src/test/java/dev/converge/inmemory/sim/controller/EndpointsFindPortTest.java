package dev.converge.inmemory.sim.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import org.junit.jupiter.api.Test;

/**
 * {@code podutil.FindPort}: a Service port's target resolved against a pod, as the endpoints controller resolves
 * it; cases from its contract (containers first, then sidecars, the protocol must match).
 */
class EndpointsFindPortTest {
  private static final Resource POD = Resource.of(Json.parse("""
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},
       "spec":{"containers":[{"name":"app","ports":[{"name":"http","containerPort":8080},
                                                    {"name":"dns","containerPort":53,"protocol":"UDP"}]}],
               "initContainers":[{"name":"setup","ports":[{"name":"setup","containerPort":7000}]},
                                 {"name":"proxy","restartPolicy":"Always",
                                  "ports":[{"name":"http","containerPort":15001},{"name":"admin","containerPort":15000}]}]}}
      """));

  @Test
  void numbersAreTakenAsIs_namesFromContainersThenSidecars_withTheSameProtocol() {
    assertThat(EndpointsController.findPort(POD, Json.parse("{\"port\":80,\"targetPort\":9090}"))).isEqualTo(9090);
    assertThat(EndpointsController.findPort(POD, Json.parse("{\"port\":80}"))).isEqualTo(80);
    // A container's port wins over a sidecar's of the same name.
    assertThat(EndpointsController.findPort(POD, Json.parse("{\"port\":80,\"targetPort\":\"http\"}"))).isEqualTo(8080);
    assertThat(EndpointsController.findPort(POD, Json.parse("{\"port\":80,\"targetPort\":\"admin\"}"))).isEqualTo(15000);
    // An init container that is not a sidecar has no port a Service can reach.
    assertThat(EndpointsController.findPort(POD, Json.parse("{\"port\":80,\"targetPort\":\"setup\"}"))).isNull();
    assertThat(EndpointsController.findPort(POD, Json.parse("{\"port\":53,\"targetPort\":\"dns\"}"))).isNull();
    assertThat(EndpointsController.findPort(POD,
        Json.parse("{\"port\":53,\"targetPort\":\"dns\",\"protocol\":\"UDP\"}"))).isEqualTo(53);
  }
}
