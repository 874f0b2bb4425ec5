package io.gainstream.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The fused kernels load from the archive written in code and compute what the composite ops
 * compute, forward and backward (away from the bounds, where clamp and hardtanh differ by
 * definition).
 */
class TorchKernelsTest {
  private static final float[] X = {-7.5f, -3.2f, -0.4f, 0.3f, 1.7f, 2.9f, 3.4f, 5.9f, 6.2f, 11f};

  @Test
  void shouldComputeReluSixAsClampDoesForwardAndBackward() {
    float[][] fused = valueAndGradient(x -> TorchKernels.hardtanh(x, 0f, 6f));
    float[][] composite = valueAndGradient(x -> x.clip(0f, 6f));
    assertThat(fused[0]).containsExactly(composite[0]);
    assertThat(fused[1]).containsExactly(composite[1]);
    assertThat(fused[1]).containsExactly(0, 0, 0, 1, 1, 1, 1, 1, 0, 0);
  }

  @Test
  void shouldComputeHardSwishAsTheCompositeDoesForwardAndBackward() {
    float[][] fused = valueAndGradient(TorchKernels::hardswish);
    float[][] composite = valueAndGradient(x -> x.mul(x.div(6f).add(0.5f).clip(0, 1)));
    for (int i = 0; i < X.length; i++) {
      assertThat(fused[0][i]).isCloseTo(composite[0][i], within(1e-6f));
      assertThat(fused[1][i]).isCloseTo(composite[1][i], within(1e-6f));
    }
  }

  @Test
  void shouldLeaveBoundsItsLexerMayNotReadToTheCompositeOps() {
    assertThat(TorchKernels.literal(6f)).isEqualTo("6.0");
    assertThat(TorchKernels.literal(-0.5f)).isEqualTo("-0.5");
    assertThat(TorchKernels.literal(Float.MAX_VALUE)).isNull();
    assertThat(TorchKernels.literal(Float.NEGATIVE_INFINITY)).isNull();
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      assertThat(TorchKernels.hardtanh(m.create(X), -Float.MAX_VALUE, 6f)).isNull();
      assertThat(TorchKernels.hardtanh(m.create(X), 6f, 6f)).isNull();
    }
  }

  /** The op's output and the gradient of its sum, on {@link #X}; fails if the op fell back. */
  private static float[][] valueAndGradient(UnaryOperator<NDArray> op) {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = m.create(X);
      x.setRequiresGradient(true);
      float[] value;
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray y = op.apply(x);
        assertThat(y).as("the fused kernel loaded").isNotNull();
        assertThat(y.getManager()).isSameAs(m);
        value = y.toFloatArray();
        gc.backward(y.sum());
      }
      return new float[][] {value, x.getGradient().toFloatArray()};
    }
  }
}
