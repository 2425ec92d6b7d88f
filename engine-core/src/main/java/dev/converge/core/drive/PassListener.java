package dev.converge.core.drive;

import dev.converge.core.loop.PassResult;

/**
 * Told about every pass a driver runs, after the work queue has been told when to run the key again and
 * before the key is released, so the passes of one key reach the listeners in the order they ran. Called on
 * the thread that ran the pass; must not block, since the key waits for it (tests count down a latch;
 * embeddings log or export).
 */
@FunctionalInterface
public interface PassListener {
  void onPass(PassResult result);
}
