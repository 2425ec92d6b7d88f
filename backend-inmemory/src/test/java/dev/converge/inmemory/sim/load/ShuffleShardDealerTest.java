package dev.converge.inmemory.sim.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The dealer deals Kubernetes' hands: mixed-radix digits of the hash, shifted past earlier cards, all distinct. */
class ShuffleShardDealerTest {

  @Test
  void deal_hashTenFromFourQueues_isTwoThenThree() {
    // 10 mod 4 = 2, then (10 / 4) mod 3 = 2, which is shifted past the 2 already dealt: 3.
    int[] hand = new int[2];
    new ShuffleShardDealer(4, 2).deal(10, hand);
    assertThat(hand).containsExactly(2, 3);
  }

  @Test
  void deal_usesTheHashAsUnsigned() {
    int[] hand = new int[1];
    new ShuffleShardDealer(128, 1).deal(-1L, hand);
    // 2^64 - 1 = 18446744073709551615, mod 128 = 127.
    assertThat(hand).containsExactly(127);
  }

  @Test
  void deal_alwaysGivesDistinctQueuesWithinTheDeck() {
    ShuffleShardDealer dealer = new ShuffleShardDealer(128, 6);
    SplittableRandom random = new SplittableRandom(42);
    int[] hand = new int[6];
    for (int i = 0; i < 10_000; i++) {
      dealer.deal(random.nextLong(), hand);
      assertThat(Arrays.stream(hand).distinct().count()).isEqualTo(6);
      assertThat(Arrays.stream(hand).allMatch(card -> card >= 0 && card < 128)).isTrue();
    }
  }
}
