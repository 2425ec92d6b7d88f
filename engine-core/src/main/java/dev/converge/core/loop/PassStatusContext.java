package dev.converge.core.loop;

import dev.converge.api.Observed;
import dev.converge.api.Outcome;
import dev.converge.api.Resource;
import dev.converge.api.StatusContext;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The {@link StatusContext} a reconciler's {@code status} sees at the end of a pass. */
record PassStatusContext<P>(Resource primary, @Nullable P typed, Observed live, Outcome outcome, Instant now)
    implements StatusContext<P> {

  @Override
  public Optional<P> decoded() {
    return Optional.ofNullable(typed);
  }
}
