package io.gainstream.model.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;

/**
 * Tiny class-agnostic foreground models generated in test code, declared the way the shared ISNet
 * is ({@code [1, 3, S, S]} in, {@code output} of {@code [1, 1, S, S]} and a side output besides):
 * with the ISNet normalisation ({@code (pixel − 128) / 256}) a bright pixel is foreground (p near
 * 1), a dark one background (p near 0).
 */
public final class TestMaskModels {
  private TestMaskModels() {}

  /** Bright is foreground; input and outputs fixed at {@code size} (0: free), batch fixed at 1. */
  public static byte[] brightIsForeground(int size) {
    Object side = size > 0 ? size : "S";
    GraphBuilder g = new GraphBuilder("test-mask");
    g.initializer("w", new long[] {1, 3, 1, 1}, new float[] {4f, 4f, 4f});
    g.initializer("b", new long[] {1}, new float[] {0f});
    String logit = g.node("Conv", "logit", new String[] {"input", "w", "b"});
    g.node("Sigmoid", "output", new String[] {logit});
    g.node("Identity", "side", new String[] {"output"});
    g.input("input", 1, 3, side, side);
    g.output("output", 1, 1, side, side);
    g.output("side", 1, 1, side, side);
    return model(g);
  }

  /** The same probability {@code sigmoid(logit)} everywhere: all foreground or all background. */
  public static byte[] constant(int size, float logit) {
    GraphBuilder g = new GraphBuilder("test-constant-mask");
    g.initializer("w", new long[] {1, 3, 1, 1}, new float[] {0f, 0f, 0f});
    g.initializer("b", new long[] {1}, new float[] {logit});
    String l = g.node("Conv", "logit", new String[] {"input", "w", "b"});
    g.node("Sigmoid", "output", new String[] {l});
    g.input("input", 1, 3, size, size);
    g.output("output", 1, 1, size, size);
    return model(g);
  }

  /**
   * Bright is foreground, with a constant of the declared size added inside: it runs only at that
   * size (as the shared ISNet does only at 1024).
   */
  public static byte[] fixedInside(int size) {
    return brightPlus("test-fixed-mask", size, new float[size * size]);
  }

  /**
   * Bright is foreground, and the left half of the picture more so than the right (a logit of +4
   * there, −4 on the right): a model that answers an image and its mirror image differently.
   */
  public static byte[] leftLeaning(int size) {
    float[] ramp = new float[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        ramp[y * size + x] = x < size / 2 ? 4f : -4f;
      }
    }
    return brightPlus("test-left-mask", size, ramp);
  }

  /**
   * Bright is foreground, plus a logit per pixel given as a constant of the declared size inside
   * the graph (so the graph runs at that size only).
   */
  private static byte[] brightPlus(String name, int size, float[] bias) {
    GraphBuilder g = new GraphBuilder(name);
    g.initializer("w", new long[] {1, 3, 1, 1}, new float[] {4f, 4f, 4f});
    g.initializer("bias", new long[] {1, 1, size, size}, bias);
    String l = g.node("Conv", "logit", new String[] {"input", "w"});
    String b = g.node("Add", "biased", new String[] {l, "bias"});
    g.node("Sigmoid", "output", new String[] {b});
    g.input("input", 1, 3, size, size);
    g.output("output", 1, 1, size, size);
    return model(g);
  }

  /**
   * Foreground is what is brighter than the picture it is in: the logit is the pixel's brightness
   * minus the mean brightness of the whole input. A model whose answer for a pixel depends on what
   * else it is shown, as a salient-object model's does: a dim grey square is background in a frame
   * that is mostly white and foreground in a crop around it that is mostly black.
   */
  public static byte[] salient(int size) {
    GraphBuilder g = new GraphBuilder("test-salient-mask");
    g.initializer("w", new long[] {1, 3, 1, 1}, new float[] {8f, 8f, 8f});
    String mean =
        g.node("ReduceMean", "mean", new String[] {"input"}, GraphBuilder.ints("axes", 2, 3));
    String centred = g.node("Sub", "centred", new String[] {"input", mean});
    String l = g.node("Conv", "logit", new String[] {centred, "w"});
    g.node("Sigmoid", "output", new String[] {l});
    g.input("input", 1, 3, size, size);
    g.output("output", 1, 1, size, size);
    return model(g);
  }

  /** The same with two channels out: not a foreground model. */
  public static byte[] twoChannels(int size) {
    GraphBuilder g = new GraphBuilder("test-two");
    g.initializer("w", new long[] {2, 3, 1, 1}, new float[] {1f, 1f, 1f, -1f, -1f, -1f});
    g.node("Conv", "output", new String[] {"input", "w"});
    g.input("input", 1, 3, size, size);
    g.output("output", 1, 2, size, size);
    return model(g);
  }

  /** The graph as a model file: IR 8, opset 15, as the test models here are declared. */
  static byte[] model(GraphBuilder g) {
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(15))
        .setGraph(g.build())
        .build()
        .toByteArray();
  }
}
