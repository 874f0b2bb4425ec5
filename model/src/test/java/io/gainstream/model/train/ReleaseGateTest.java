package io.gainstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReleaseGateTest {
  private final ReleaseGate gate = new ReleaseGate(0.6, 0.03);

  private static Validation.Figures f(double exact, double map, double fg) {
    return new Validation.Figures(exact, map, fg, 50, Double.isNaN(fg) ? 0 : 5);
  }

  @Test
  void shouldPublishTheFirstReleaseOnlyAboveTheMinimum() {
    assertThat(gate.decide(f(0.5, 0.61, Double.NaN), null).publish()).isTrue();
    ReleaseGate.Decision d = gate.decide(f(0.1, 0.42, Double.NaN), null);
    assertThat(d.publish()).isFalse();
    assertThat(d.reason()).contains("0.420").contains("minimum 0.600");
  }

  @Test
  void shouldHoldBackAReleaseWorseThanThePublishedOne() {
    Validation.Figures published = f(0.80, 0.90, 0.50);
    assertThat(gate.decide(f(0.79, 0.88, 0.49), published).publish())
        .as("within tolerance")
        .isTrue();
    assertThat(gate.decide(f(0.80, 0.86, 0.55), published).publish()).as("mAP down 0.04").isFalse();
    assertThat(gate.decide(f(0.70, 0.95, 0.55), published).publish())
        .as("exact match down 0.10")
        .isFalse();
    assertThat(gate.decide(f(0.85, 0.95, 0.40), published).reason()).contains("fg mIoU");
    assertThat(gate.decide(f(0.85, 0.95, Double.NaN), published).publish())
        .as("no pixel figure to compare")
        .isTrue();
  }

  @Test
  void shouldNeverPublishWhatCannotBeValidated() {
    // issue 29: an unvalidated release went out with labels worse than a centred ellipse
    assertThat(gate.decide(null, f(0.8, 0.9, Double.NaN)).publish()).isFalse();
    ReleaseGate.Decision d = gate.decide(f(0, Double.NaN, Double.NaN), null);
    assertThat(d.publish()).isFalse();
    assertThat(d.reason()).contains("not validated");
  }
}
