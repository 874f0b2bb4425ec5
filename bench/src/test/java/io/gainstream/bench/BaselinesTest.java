package io.gainstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BaselinesTest {
  @Test
  void shouldMarkACentredEllipseOfEightyPercentOfTheSides() {
    byte[] m = Baselines.centreEllipse(640, 480, 2);
    int inside = 0;
    for (byte b : m) {
      assertThat((int) b).isIn(0, 2);
      inside += b == 2 ? 1 : 0;
    }
    assertThat(inside / (640.0 * 480))
        .as("area pi * 0.4 * 0.4")
        .isCloseTo(Math.PI * 0.16, within(0.005));
    assertThat(m[240 * 640 + 320]).as("centre").isEqualTo((byte) 2);
    assertThat(m[0]).as("corner").isZero();
    assertThat(m[240 * 640 + 20]).as("left edge, outside 10 %").isZero();
    assertThat(m[240 * 640 + 80]).as("left, inside").isEqualTo((byte) 2);
  }

  @Test
  void shouldLeaveAnImageWithoutLabelsAllBackground() {
    assertThat(Baselines.centreEllipse(30, 20, 0)).containsOnly((byte) 0);
  }
}
