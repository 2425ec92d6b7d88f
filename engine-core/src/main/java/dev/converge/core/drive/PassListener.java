package dev.converge.core.drive;

import dev.converge.core.loop.PassResult;

/**
 * Told about every pass a driver runs, after the work queue has been updated. Called on the thread that ran
 * the pass; must not block (tests count down a latch; embeddings log or export).
 */
@FunctionalInterface
public interface PassListener {
  void onPass(PassResult result);
}
