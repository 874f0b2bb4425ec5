package io.gainstream.model.backbone;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dilates a backbone's last stage, as DeepLab and IRN do for class attention maps: the stride-2
 * nodes that produce the final resolution get stride 1, and every later convolution with a kernel
 * wider than 1 gets twice its dilation and the padding that keeps its size. The feature map doubles
 * in side (7×7 → 14×14 at 224 pixels) with the same weights. Which nodes belong to the last stage
 * is found by running the backbone once on a blank image and reading every tensor's size, so
 * parallel paths (a residual block's projection) are changed together.
 */
public final class Dilation {
  private static final int PROBE = 64;

  private Dilation() {}

  public static OnnxBackbone lastStage(OnnxBackbone g) {
    Map<String, Long> side = sides(g);
    long last = side.get(g.feature());
    List<NodeProto> out = new ArrayList<>(g.nodes());
    boolean any = false;
    for (int k = 0; k < out.size(); k++) {
      NodeProto n = out.get(k);
      boolean spatial =
          n.getOpType().equals("Conv")
              || n.getOpType().equals("MaxPool")
              || n.getOpType().equals("AveragePool");
      if (!spatial) {
        continue;
      }
      long inSide = side.get(n.getInput(0));
      long outSide = side.get(n.getOutput(0));
      if (outSide == last && inSide == 2 * last && OnnxBackbone.longs(n, "strides").contains(2L)) {
        out.set(k, OnnxBackbone.withInts(n, "strides", List.of(1L, 1L)));
        any = true;
      } else if (inSide == last && outSide == last && n.getOpType().equals("Conv")) {
        long[] kernel = g.dims(n.getInput(1));
        if (kernel[2] > 1 || kernel[3] > 1) {
          out.set(k, dilated(n, kernel));
        }
      } else if (inSide == last && outSide == last && !n.getOpType().equals("Conv")) {
        long[] kernel =
            OnnxBackbone.longs(n, "kernel_shape").stream().mapToLong(Long::longValue).toArray();
        if (kernel.length == 2 && (kernel[0] % 2 == 0 || kernel[1] % 2 == 0)) {
          throw new BackboneException(
              n.getOpType()
                  + " at node '"
                  + OnnxBackbone.name(n)
                  + "' has an even kernel: cannot dilate after it");
        }
      }
    }
    if (!any) {
      throw new BackboneException(
          "no stride-2 convolution or pooling leads to the feature map: nothing to dilate");
    }
    return g.withNodes(out);
  }

  private static NodeProto dilated(NodeProto n, long[] kernel) {
    List<Long> dil =
        OnnxBackbone.longs(n, "dilations").isEmpty()
            ? List.of(1L, 1L)
            : OnnxBackbone.longs(n, "dilations");
    List<Long> d2 = List.of(dil.get(0) * 2, dil.get(1) * 2);
    long ph = d2.get(0) * (kernel[2] - 1) / 2;
    long pw = d2.get(1) * (kernel[3] - 1) / 2;
    NodeProto.Builder b =
        OnnxBackbone.withInts(
            OnnxBackbone.withInts(n, "dilations", d2), "pads", List.of(ph, pw, ph, pw))
            .toBuilder();
    for (int a = b.getAttributeCount() - 1; a >= 0; a--) {
      if (b.getAttribute(a).getName().equals("auto_pad")) {
        b.removeAttribute(a); // explicit pads now
      }
    }
    return b.build();
  }

  /** Spatial side of every tensor for a blank {@value #PROBE}-pixel image. */
  private static Map<String, Long> sides(OnnxBackbone g) {
    try (Model model = Model.newInstance("dilation-probe", "PyTorch")) {
      BackboneBlock block = new BackboneBlock(g, Preprocessing.none());
      model.setBlock(block);
      NDManager m = model.getNDManager();
      block.initialize(m, DataType.FLOAT32, new Shape(1, 3, PROBE, PROBE));
      Map<String, NDArray> t =
          block.tensors(
              new ParameterStore(m, false), m.zeros(new Shape(1, 3, PROBE, PROBE)), false);
      Map<String, Long> side = new HashMap<>();
      t.forEach(
          (name, v) -> side.put(name, v.getShape().dimension() == 4 ? v.getShape().get(2) : -1L));
      for (NodeProto n : g.nodes()) {
        for (String in : n.getInputList()) {
          side.putIfAbsent(in, -1L);
        }
      }
      return side;
    }
  }
}
