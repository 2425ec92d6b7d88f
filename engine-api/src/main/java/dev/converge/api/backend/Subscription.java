package dev.converge.api.backend;

/** A running watch. Closing it stops delivery; closing twice is harmless. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
