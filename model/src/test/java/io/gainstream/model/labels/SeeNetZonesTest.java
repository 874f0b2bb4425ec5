package io.gainstream.model.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SeeNetZonesTest {
  private static Zone zoneOf(byte b) {
    return Zone.ofCode(b);
  }

  @Test
  void shouldSplitAtThresholdsRelativeToTheMapMaximum() {
    // max 1: δh = 0.7, δl = 0.05, exactly as floats
    float[] a = {1f, 0.71f, 0.7f, 0.3f, 0.05f, 0.049f, 0f};
    byte[] z = SeeNetZones.zones(a, 0.7f, 0.05f);
    assertThat(zoneOf(z[0])).isEqualTo(Zone.ATTENTION);
    assertThat(zoneOf(z[1])).isEqualTo(Zone.ATTENTION);
    assertThat(zoneOf(z[2])).as("exactly δh is not above it").isEqualTo(Zone.POTENTIAL);
    assertThat(zoneOf(z[3])).isEqualTo(Zone.POTENTIAL);
    assertThat(zoneOf(z[4])).as("exactly δl is not below it").isEqualTo(Zone.POTENTIAL);
    assertThat(zoneOf(z[5])).isEqualTo(Zone.BACKGROUND);
    assertThat(zoneOf(z[6])).isEqualTo(Zone.BACKGROUND);
  }

  @Test
  void shouldMakeAnAllZeroMapAllBackground() {
    byte[] z = SeeNetZones.zones(new float[25], 0.7f, 0.05f);
    for (byte b : z) {
      assertThat(zoneOf(b)).isEqualTo(Zone.BACKGROUND);
    }
  }

  @Test
  void shouldMakeTheOnlyPositivePixelOfASinglePixelMapTheAttention() {
    float[] a = new float[9];
    a[4] = 0.2f;
    byte[] z = SeeNetZones.zones(a, 0.7f, 0.05f);
    for (int i = 0; i < 9; i++) {
      assertThat(zoneOf(z[i])).isEqualTo(i == 4 ? Zone.ATTENTION : Zone.BACKGROUND);
    }
  }

  @Test
  void shouldGiveTheConditionallyReversedReluMultipliers() {
    byte[] z = {
      (byte) Zone.ATTENTION.code(), (byte) Zone.POTENTIAL.code(), (byte) Zone.BACKGROUND.code()
    };
    assertThat(SeeNetZones.multiplier(z)).containsExactly(0f, 1f, -1f);
  }

  @Test
  void shouldNotDependOnTheMapScale() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 100; trial++) {
      float[] a = new float[64];
      for (int i = 0; i < a.length; i++) {
        a[i] = rnd.nextFloat();
      }
      float[] scaled = new float[64];
      for (int i = 0; i < a.length; i++) {
        scaled[i] = a[i] * 4f; // a power of two keeps every comparison exact
      }
      assertThat(SeeNetZones.zones(scaled, 0.8f, 0.05f))
          .isEqualTo(SeeNetZones.zones(a, 0.8f, 0.05f));
    }
  }

  @Test
  void shouldRejectThresholdsInTheWrongOrder() {
    assertThatThrownBy(() -> SeeNetZones.zones(new float[4], 0.05f, 0.7f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("low <= high");
  }
}
