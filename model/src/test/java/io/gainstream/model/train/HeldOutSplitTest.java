package io.gainstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Enough held out to judge at any size, every class in it, the hash's picks always kept. */
class HeldOutSplitTest {
  private static List<Example> set(int n, int classes) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Example("img-" + i + ".jpg", new float[0], new int[] {1 + i % classes}, null));
    }
    return out;
  }

  @Test
  void shouldHoldOutEnoughToJudgeAtFortyImagesAndTheFloorAtEightyThree() {
    assertThat(HeldOutSplit.size(40, 0.1, 8)).isEqualTo(8);
    assertThat(HeldOutSplit.size(83, 0.1, 8)).isEqualTo(16);
    assertThat(HeldOutSplit.size(283, 0.1, 8)).isEqualTo(28);
    assertThat(HeldOutSplit.size(1000, 0.1, 8)).isEqualTo(100);
    assertThat(HeldOutSplit.size(24, 0.1, 8)).isEqualTo(8);
    assertThat(HeldOutSplit.judgeable(23, 8)).isFalse();
    assertThat(HeldOutSplit.size(20, 0.1, 8)).as("never a third or more").isLessThan(7);
  }

  @Test
  void shouldKeepWhatTheHashPicksAndAddTheRest() {
    List<Example> all = set(83, 2);
    HeldOutSplit.Split split = HeldOutSplit.choose(all, 0.1, 8);
    assertThat(all.stream().filter(e -> split.heldOut(e.id()))).hasSizeBetween(16, 17);
    all.stream()
        .filter(e -> Validation.heldOut(e.id(), 0.1))
        .forEach(e -> assertThat(split.heldOut(e.id())).isTrue());
    assertThat(HeldOutSplit.choose(all, 0.1, 8))
        .as("the same set, the same split")
        .isEqualTo(split);
    // a band of the hash: a later image is held out or not by its id alone, as after a restart
    assertThat(split.share()).isGreaterThan(0.1);
    assertThat(split.heldOut("img-9999.jpg"))
        .isEqualTo(Validation.heldOut("img-9999.jpg", split.share()));
  }

  @Test
  void shouldRepresentEveryClassThatHasImagesToSpare() {
    List<Example> all = set(40, 1);
    // a rare class: two images of it, neither picked by the hash at this share
    all.add(new Example("rare-a.jpg", new float[0], new int[] {2}, null));
    all.add(new Example("rare-b.jpg", new float[0], new int[] {2}, null));
    HeldOutSplit.Split split = HeldOutSplit.choose(all, 0.0, 8);
    List<String> out = all.stream().map(Example::id).filter(split::heldOut).toList();
    assertThat(out).hasSizeBetween(8, 9);
    assertThat(out.stream().filter(id -> id.startsWith("rare-")).count())
        .as("one of the rare class held out, one left to train on")
        .isEqualTo(1);
  }
}
