package io.gainstream.model.net;

/**
 * What a GAIN model outputs for a batch, whichever runtime computed it (DJL or ONNX Runtime).
 *
 * @param size number of images N
 * @param numClasses classes C
 * @param mapSize side S of the attention maps (the network input size)
 * @param probabilities N×C sigmoid class scores
 * @param attention N×C×S×S maps in [0, 1], normalised per image and class
 */
public record Prediction(
    int size, int numClasses, int mapSize, float[] probabilities, float[] attention) {

  /** Score of class index {@code k} (1-based) for image {@code i}. */
  public float probability(int i, int k) {
    return probabilities[i * numClasses + (k - 1)];
  }

  /** Copy of the S×S attention map of class index {@code k} (1-based) for image {@code i}. */
  public float[] map(int i, int k) {
    int len = mapSize * mapSize;
    float[] m = new float[len];
    System.arraycopy(attention, (i * numClasses + (k - 1)) * len, m, 0, len);
    return m;
  }
}
