package dev.converge.inmemory.server;

import dev.converge.api.Resource;
import java.time.Instant;

/** Mints the bearer tokens a {@code TokenRequest} answers with: the component that authenticates requests. */
public interface TokenIssuer {
  /** A new token that authenticates as {@code serviceAccount} (while it exists with this uid) until {@code expires}. */
  String issue(Resource serviceAccount, Instant expires);
}
