package io.gainstream.model.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomWalkTest {
  private static final int SIDE = 12;

  /** A one-channel embedding: 0 left of column {@code edge}, {@code far} from it on. */
  private static float[] twoHalves(int edge, float far) {
    float[] e = new float[SIDE * SIDE];
    for (int y = 0; y < SIDE; y++) {
      for (int x = edge; x < SIDE; x++) {
        e[y * SIDE + x] = far;
      }
    }
    return e;
  }

  @Test
  void shouldCoverEachNeighbourPairOnceWithinTheRadius() {
    List<int[]> half = RandomWalk.halfOffsets(5);
    Set<String> seen = new HashSet<>();
    for (int[] o : half) {
      assertThat(o[0] * o[0] + o[1] * o[1]).isBetween(1, 24);
      assertThat(seen.add(o[0] + "," + o[1])).isTrue();
      assertThat(seen).as("mirror of " + o[0] + "," + o[1]).doesNotContain(-o[0] + "," + -o[1]);
    }
    int disc = 0;
    for (int dy = -4; dy <= 4; dy++) {
      for (int dx = -4; dx <= 4; dx++) {
        disc += dy * dy + dx * dx < 25 ? 1 : 0;
      }
    }
    assertThat(2 * half.size())
        .as("both halves are the disc without its centre")
        .isEqualTo(disc - 1);
  }

  @Test
  void shouldGiveAffinityOneToEqualEmbeddingsAndZeroOutsideTheGrid() {
    List<int[]> offs = RandomWalk.halfOffsets(3);
    float[][] a = RandomWalk.affinities(new float[SIDE * SIDE], 1, SIDE, SIDE, offs);
    for (int o = 0; o < offs.size(); o++) {
      int dy = offs.get(o)[0];
      int dx = offs.get(o)[1];
      for (int y = 0; y < SIDE; y++) {
        for (int x = 0; x < SIDE; x++) {
          boolean inside = y + dy < SIDE && x + dx >= 0 && x + dx < SIDE;
          assertThat(a[o][y * SIDE + x]).isEqualTo(inside ? 1f : 0f);
        }
      }
    }
    float[][] split = RandomWalk.affinities(twoHalves(6, 2f), 1, SIDE, SIDE, offs);
    assertThat(
            split[
                offs.indexOf(offs.stream().filter(o -> o[0] == 0 && o[1] == 1).findFirst().get())][
                5])
        .as("across the edge: exp(-2)")
        .isCloseTo((float) Math.exp(-2), within(1e-6f));
  }

  @Test
  void shouldKeepAConstantMapConstant() {
    List<int[]> offs = RandomWalk.halfOffsets(4);
    float[] e = new float[SIDE * SIDE];
    for (int i = 0; i < e.length; i++) {
      e[i] = (i * 7919 % 13) / 13f;
    }
    float[] constant = new float[SIDE * SIDE];
    java.util.Arrays.fill(constant, 0.7f);
    float[] out =
        RandomWalk.walk(
            RandomWalk.affinities(e, 1, SIDE, SIDE, offs),
            offs,
            SIDE,
            SIDE,
            new float[][] {constant},
            new RandomWalk.Settings(4, 8f, 50))[0];
    for (float v : out) {
      assertThat(v).as("rows of the transition sum to one").isCloseTo(0.7f, within(1e-4f));
    }
  }

  @Test
  void shouldSpreadAttentionInsideARegionAndNotAcrossAnEdge() {
    List<int[]> offs = RandomWalk.halfOffsets(3);
    // far = 40: affinity exp(-40) ^ 8 underflows to zero, the halves are disconnected
    float[][] a = RandomWalk.affinities(twoHalves(6, 40f), 1, SIDE, SIDE, offs);
    float[] peak = new float[SIDE * SIDE];
    peak[5 * SIDE + 2] = 1f;
    float[] out =
        RandomWalk.walk(
            a, offs, SIDE, SIDE, new float[][] {peak}, new RandomWalk.Settings(3, 8f, 400))[0];
    float left = out[0];
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        float v = out[y * SIDE + x];
        if (x < 6) {
          assertThat(v).as("left half at %d,%d", x, y).isGreaterThan(0.005f);
          assertThat(v).as("left half converges").isCloseTo(left, within(0.01f));
        } else {
          assertThat(v).as("right half at %d,%d", x, y).isZero();
        }
      }
    }
    assertThat(out[5 * SIDE + 2]).as("the peak spread out").isLessThan(0.1f);
  }

  @Test
  void shouldLeaveTheMapsUnchangedWithoutSteps() {
    List<int[]> offs = RandomWalk.halfOffsets(2);
    float[] m = new float[SIDE * SIDE];
    m[3] = 0.4f;
    float[] out =
        RandomWalk.walk(
            RandomWalk.affinities(new float[SIDE * SIDE], 1, SIDE, SIDE, offs),
            offs,
            SIDE,
            SIDE,
            new float[][] {m},
            new RandomWalk.Settings(2, 8f, 0))[0];
    assertThat(out).containsExactly(m);
  }

  @Test
  void shouldRejectBadSettingsAndMismatchedEmbeddings() {
    assertThatThrownBy(() -> new RandomWalk.Settings(0, 8f, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RandomWalk.Settings(2, 0f, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> RandomWalk.affinities(new float[5], 1, SIDE, SIDE, RandomWalk.halfOffsets(2)))
        .hasMessageContaining("expected 144");
  }
}
