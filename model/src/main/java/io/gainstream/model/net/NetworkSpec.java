package io.gainstream.model.net;

import java.util.Arrays;

/**
 * Shape of a GAIN network: square input of {@code inputSize} pixels, {@code depth} conv stages (3×3
 * conv, batch-norm, ReLU; a 2×2 max-pool between stages), channel width doubling from {@code width}
 * up to {@code 4 × width}, and a CAM head with one map per class.
 *
 * <p>The spec travels with every export (ONNX metadata) so a release can be imported back into an
 * identical DJL network.
 *
 * @param inputSize height and width of the network input; divisible by {@code 2^(depth-1)}
 * @param width channels of the first stage
 * @param depth number of conv stages (feature stride is {@code 2^(depth-1)})
 * @param numClasses foreground classes (background has no map)
 */
public record NetworkSpec(int inputSize, int width, int depth, int numClasses) {

  /**
   * Default network: 64×64 input, 3 stages from 16 channels, a 16×16 attention grid (a 4-stage, 8×8
   * grid classified as well but put its peak outside the object far more often).
   */
  public static NetworkSpec defaults(int numClasses) {
    return new NetworkSpec(64, 16, 3, numClasses);
  }

  /**
   * The spec of a network whose feature extractor is an imported backbone: only the input size and
   * the classes are its own (width and depth 1 by convention; the backbone decides the feature
   * map).
   */
  public static NetworkSpec forBackbone(int inputSize, int numClasses) {
    return new NetworkSpec(inputSize, 1, 1, numClasses);
  }

  public NetworkSpec {
    if (depth < 1 || depth > 8) {
      throw new IllegalArgumentException("depth must be in [1, 8], got " + depth);
    }
    if (width < 1) {
      throw new IllegalArgumentException("width must be positive, got " + width);
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
    }
    int stride = 1 << (depth - 1);
    if (inputSize < stride || inputSize % stride != 0) {
      throw new IllegalArgumentException(
          "inputSize " + inputSize + " must be a positive multiple of 2^(depth-1) = " + stride);
    }
  }

  /** The same network at another input side: its weights do not depend on the input size. */
  public NetworkSpec withInputSize(int size) {
    return new NetworkSpec(size, width, depth, numClasses);
  }

  /** Output channels of stage {@code i}: width, 2·width, 4·width, then constant. */
  public int channels(int stage) {
    return width * (1 << Math.min(stage, 2));
  }

  /** Side of the feature map (and raw CAM) after the last stage. */
  public int featureSize() {
    return inputSize >> (depth - 1);
  }

  /** Channel counts of all stages, for logs and metadata. */
  public int[] allChannels() {
    int[] c = new int[depth];
    Arrays.setAll(c, this::channels);
    return c;
  }
}
