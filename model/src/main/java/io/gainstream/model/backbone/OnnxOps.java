package io.gainstream.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;

/**
 * The ONNX operators of an imported backbone that need more than one DJL call (convolution and
 * pooling with ONNX padding, Gemm, Flatten and Reshape shapes), and reading a node's attributes
 * with ONNX's defaults. Pure functions of a node and its inputs, so {@link BackboneBlock} keeps
 * only the walk over the graph.
 */
final class OnnxOps {
  private OnnxOps() {}

  static NDArray conv(NodeProto n, NDArray x, NDArray w, NDArray b) {
    long[] k = {w.getShape().get(2), w.getShape().get(3)};
    long[] pads = pads(n, x, k, ints(n, "strides", 1, 1), ints(n, "dilations", 1, 1));
    NDArray padded = x;
    if (pads[0] != pads[2] || pads[1] != pads[3]) {
      padded = x.pad(new Shape(pads[1], pads[3], pads[0], pads[2]), 0);
      pads = new long[] {0, 0, 0, 0};
    }
    return Conv2d.conv2d(
            padded,
            w,
            b,
            new Shape(ints(n, "strides", 1, 1)),
            new Shape(pads[0], pads[1]),
            new Shape(ints(n, "dilations", 1, 1)),
            (int) i(n, "group", 1))
        .head();
  }

  static NDArray pool(NodeProto n, NDArray x, boolean max) {
    long[] k = ints(n, "kernel_shape");
    long[] strides = ints(n, "strides", 1, 1);
    long[] pads = pads(n, x, k, strides, new long[] {1, 1});
    boolean ceil = i(n, "ceil_mode", 0) == 1;
    if (pads[0] != pads[2] || pads[1] != pads[3]) {
      if (!max) {
        throw new BackboneException(
            "AveragePool at node '"
                + OnnxBackbone.name(n)
                + "' has asymmetric pads "
                + List.of(pads[0], pads[1], pads[2], pads[3])
                + "; not supported");
      }
      x = x.pad(new Shape(pads[1], pads[3], pads[0], pads[2]), Float.NEGATIVE_INFINITY);
      pads = new long[] {0, 0, 0, 0};
    }
    Shape p = new Shape(pads[0], pads[1]);
    if (max) {
      return Pool.maxPool2d(x, new Shape(k), new Shape(strides), p, ceil);
    }
    NDArray sum = Pool.avgPool2d(x, new Shape(k), new Shape(strides), p, ceil, true);
    if (i(n, "count_include_pad", 0) == 1 || (pads[0] == 0 && pads[1] == 0)) {
      return sum;
    }
    // ONNX's default averages over the pixels inside the image only; DJL's PyTorch pooling
    // counted the padding here whatever the flag said, so divide by the share of real pixels
    NDArray inside =
        Pool.avgPool2d(x.onesLike().get(":1, :1"), new Shape(k), new Shape(strides), p, ceil, true);
    return sum.div(inside);
  }

  /** Explicit {@code [top, left, bottom, right]} pads, resolving {@code auto_pad}. */
  private static long[] pads(NodeProto n, NDArray x, long[] k, long[] strides, long[] dilations) {
    String auto = s(n, "auto_pad", "NOTSET");
    if (auto.equals("NOTSET")) {
      return ints(n, "pads", 0, 0, 0, 0);
    }
    if (auto.equals("VALID")) {
      return new long[] {0, 0, 0, 0};
    }
    long[] out = new long[4];
    for (int d = 0; d < 2; d++) {
      long size = x.getShape().get(2 + d);
      long target = (size + strides[d] - 1) / strides[d];
      long total = Math.max(0, (target - 1) * strides[d] + (k[d] - 1) * dilations[d] + 1 - size);
      long small = total / 2;
      long big = total - small;
      boolean upper = auto.equals("SAME_UPPER");
      out[d] = upper ? small : big;
      out[d + 2] = upper ? big : small;
    }
    return out;
  }

  static NDArray gemm(NodeProto n, NDArray a, NDArray b, NDArray c) {
    if (i(n, "transA", 0) == 1) {
      a = a.transpose();
    }
    if (i(n, "transB", 0) == 1) {
      b = b.transpose();
    }
    NDArray y = a.matMul(b).mul(f(n, "alpha", 1f));
    return c == null ? y : y.add(c.mul(f(n, "beta", 1f)));
  }

  static Shape flattenShape(Shape s, int axis) {
    long outer = 1;
    for (int d = 0; d < axis; d++) {
      outer *= s.get(d);
    }
    return new Shape(outer, s.size() / outer);
  }

  static Shape reshape(Shape s, float[] target) {
    long[] dims = new long[target.length];
    for (int d = 0; d < dims.length; d++) {
      dims[d] = target[d] == 0 ? s.get(d) : (long) target[d];
    }
    return new Shape(dims);
  }

  static AttributeProto attr(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  static float f(NodeProto n, String name, float dflt) {
    AttributeProto a = attr(n, name);
    return a == null ? dflt : a.getF();
  }

  static long i(NodeProto n, String name, long dflt) {
    AttributeProto a = attr(n, name);
    return a == null ? dflt : a.getI();
  }

  static String s(NodeProto n, String name, String dflt) {
    AttributeProto a = attr(n, name);
    return a == null ? dflt : a.getS().toStringUtf8();
  }

  static long[] ints(NodeProto n, String name, long... dflt) {
    AttributeProto a = attr(n, name);
    if (a == null) {
      if (dflt.length == 0) {
        throw new BackboneException(
            n.getOpType() + " at node '" + OnnxBackbone.name(n) + "' has no " + name);
      }
      return dflt;
    }
    return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }
}
