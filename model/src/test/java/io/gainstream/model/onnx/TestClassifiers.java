package io.gainstream.model.onnx;

/**
 * Tiny image classifiers generated in test code, shaped like an exported ImageNet classifier
 * ({@code [1, 3, S, S]} in, {@code [1, classes]} of scores out): the mean colour of the picture,
 * ImageNet-normalised, decides. Red pictures score the first 398 classes (ImageNet's animals) high,
 * blue ones the rest; a grey one scores every class the same.
 */
public final class TestClassifiers {
  private TestClassifiers() {}

  /**
   * Red is an animal.
   *
   * @param size the declared input side (0: free)
   * @param classes how many scores it gives (1000 for an ImageNet-1k classifier)
   */
  public static byte[] redIsAnimal(int size, int classes) {
    return redIsAnimal(size, classes, false);
  }

  /**
   * Red is an animal, with the export's last step a softmax when {@code probabilities}: scores that
   * are already a distribution, as some exports give.
   */
  public static byte[] redIsAnimal(int size, int classes, boolean probabilities) {
    Object side = size > 0 ? size : "S";
    GraphBuilder g = new GraphBuilder("test-classifier");
    float[] w = new float[3 * classes];
    for (int k = 0; k < classes; k++) {
      float sign = k < 398 ? 4f : -4f;
      w[k] = sign; // red
      w[2 * classes + k] = -sign; // blue
    }
    g.initializer("w", new long[] {3, classes}, w);
    String pooled = g.node("GlobalAveragePool", "pooled", new String[] {"input"});
    String flat = g.node("Flatten", "flat", new String[] {pooled}, GraphBuilder.intAttr("axis", 1));
    if (probabilities) {
      String logits = g.node("MatMul", "scores", new String[] {flat, "w"});
      g.node("Softmax", "logits", new String[] {logits}, GraphBuilder.intAttr("axis", 1));
    } else {
      g.node("MatMul", "logits", new String[] {flat, "w"});
    }
    g.input("input", 1, 3, side, side);
    g.output("logits", 1, classes);
    return TestMaskModels.model(g);
  }

  /** Never an animal: every picture gives the animal classes -10 and the rest +10. */
  public static byte[] neverAnimal(int size) {
    GraphBuilder g = new GraphBuilder("test-never-animal");
    float[] bias = new float[1000];
    for (int k = 0; k < bias.length; k++) {
      bias[k] = k < 398 ? -10f : 10f;
    }
    g.initializer("w", new long[] {3, 1000}, new float[3 * 1000]);
    g.initializer("b", new long[] {1, 1000}, bias);
    String pooled = g.node("GlobalAveragePool", "pooled", new String[] {"input"});
    String flat = g.node("Flatten", "flat", new String[] {pooled}, GraphBuilder.intAttr("axis", 1));
    String scores = g.node("MatMul", "scores", new String[] {flat, "w"});
    g.node("Add", "logits", new String[] {scores, "b"});
    g.input("input", 1, 3, size, size);
    g.output("logits", 1, 1000);
    return TestMaskModels.model(g);
  }
}
