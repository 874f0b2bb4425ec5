package io.gainstream.services.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RleTest {
  @Test
  void shouldRunDownColumnsFirstStartingWithBackground() {
    // 3 wide, 2 high, row-major:  1 0 0
    //                             1 1 0
    // column-major: 1 1 | 0 1 | 0 0  ->  0 zeros, 2 ones, 1 zero, 1 one, 2 zeros
    boolean[] m = {true, false, false, true, true, false};
    assertThat(Rle.encode(m, 3, 2)).containsExactly(0, 2, 1, 1, 2);
    assertThat(Rle.decode(new int[] {0, 2, 1, 1, 2}, 3, 2)).containsExactly(m);
  }

  @Test
  void shouldEncodeUniformMasksAsOneOrTwoRuns() {
    assertThat(Rle.encode(new boolean[6], 2, 3)).containsExactly(6);
    assertThat(Rle.encode(new byte[] {1, 7, -1, 1, 1, 1}, 2, 3)).containsExactly(0, 6);
    assertThat(Rle.encode(new boolean[] {false}, 1, 1)).containsExactly(1);
    assertThat(Rle.encode(new boolean[] {true}, 1, 1)).containsExactly(0, 1);
    assertThat(Rle.decode(new int[] {6}, 2, 3)).containsOnly(false);
    assertThat(Rle.decode(new int[] {0, 6}, 3, 2)).containsOnly(true);
    assertThat(Rle.decode(new int[] {0, 1}, 1, 1)).containsExactly(true);
    assertThat(Rle.decode(new int[] {1}, 1, 1)).containsExactly(false);
  }

  @Test
  void shouldRoundTripRandomMasksOfAnyShape() {
    Random rnd = new Random(11);
    int[][] shapes = {{1, 1}, {1, 9}, {9, 1}, {7, 3}, {3, 7}, {32, 17}, {64, 64}};
    for (int[] s : shapes) {
      for (double density : new double[] {0.0, 0.05, 0.5, 0.95, 1.0}) {
        boolean[] m = new boolean[s[0] * s[1]];
        byte[] b = new byte[m.length];
        for (int i = 0; i < m.length; i++) {
          m[i] = rnd.nextDouble() < density;
          b[i] = m[i] ? (byte) (1 + rnd.nextInt(255)) : 0;
        }
        int[] counts = Rle.encode(m, s[0], s[1]);
        String what = s[0] + "x" + s[1] + " at " + density;
        assertThat(Rle.encode(b, s[0], s[1])).as(what).containsExactly(counts);
        assertThat(Rle.decode(counts, s[0], s[1])).as(what).containsExactly(m);
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
          sum += counts[i];
          if (i > 0) {
            assertThat(counts[i]).as(what + ": only the first run may be empty").isPositive();
          }
        }
        assertThat(sum).as(what).isEqualTo(m.length);
      }
    }
  }

  @Test
  void shouldRefuseCountsThatDoNotCoverTheMask() {
    assertThatThrownBy(() -> Rle.decode(new int[] {2, 3}, 2, 3)).hasMessageContaining("expected 6");
    assertThatThrownBy(() -> Rle.decode(new int[] {4, 4}, 2, 3))
        .hasMessageContaining("past the 6 pixels");
    assertThatThrownBy(() -> Rle.decode(new int[] {-1, 7}, 2, 3)).hasMessageContaining("negative");
    assertThatThrownBy(() -> Rle.encode(new boolean[5], 2, 3))
        .hasMessageContaining("needs 6 values");
    assertThatThrownBy(() -> Rle.encode(new boolean[0], 0, 3)).hasMessageContaining("0x3");
  }
}
