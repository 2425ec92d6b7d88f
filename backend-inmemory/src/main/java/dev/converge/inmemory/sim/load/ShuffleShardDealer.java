package dev.converge.inmemory.sim.load;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Deals a hand of distinct queues from a deck, from a flow's hash, exactly as Kubernetes' {@code
 * k8s.io/apiserver/pkg/util/shufflesharding.Dealer.Deal}: mixed-radix digits of the (unsigned) hash pick the
 * cards, each shifted past the cards already dealt. Two flows share all their queues only if their hashes
 * deal the same hand (1 in C(128, 6) ≈ 5.4 billion for 6 of 128 queues), which is the isolation priority and
 * fairness relies on.
 */
final class ShuffleShardDealer {
  private final int deckSize;
  private final int handSize;
  private final int[] remainders;

  ShuffleShardDealer(int deckSize, int handSize) {
    checkArgument(handSize > 0 && handSize <= deckSize && handSize <= 15, "bad hand %s of %s", handSize, deckSize);
    this.deckSize = deckSize;
    this.handSize = handSize;
    this.remainders = new int[handSize];
  }

  int handSize() {
    return handSize;
  }

  /** Fills {@code hand} (at least {@code handSize} long) with the queues dealt for {@code hashValue}. Not thread-safe. */
  void deal(long hashValue, int[] hand) {
    long value = hashValue;
    for (int i = 0; i < handSize; i++) {
      long radix = deckSize - i;
      long next = Long.divideUnsigned(value, radix);
      remainders[i] = (int) (value - radix * next);
      value = next;
    }
    for (int i = 0; i < handSize; i++) {
      int card = remainders[i];
      for (int j = i; j > 0; j--) {
        if (card >= remainders[j - 1]) {
          card++;
        }
      }
      hand[i] = card;
    }
  }
}
