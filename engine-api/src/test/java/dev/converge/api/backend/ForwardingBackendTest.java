package dev.converge.api.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ForwardingBackend} must forward every method of the SPI, the default ones included: a default it
 * inherited would run against the decorator instead of the wrapped backend (an informer-backed {@code observe}
 * would turn into list requests). When {@link Backend} grows a method, this fails until it is forwarded.
 */
class ForwardingBackendTest {
  @Test
  void forwardsEveryBackendMethod_defaultsIncluded() throws NoSuchMethodException {
    List<String> inherited = new ArrayList<>();
    for (Method method : Backend.class.getMethods()) {
      if (Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      Method declared = ForwardingBackend.class.getMethod(method.getName(), method.getParameterTypes());
      if (declared.getDeclaringClass() != ForwardingBackend.class) {
        inherited.add(method.getName());
      }
    }
    assertThat(inherited).as("Backend methods ForwardingBackend does not forward").isEmpty();
  }
}
