package io.gainstream.model.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.gainstream.model.backbone.BackboneBlock;
import io.gainstream.model.backbone.OnnxBackbone;
import io.gainstream.model.backbone.Preprocessing;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes an imported backbone into a release graph: the normalisation of its {@link Preprocessing},
 * then its own nodes as the file had them, every tensor renamed under {@link WeightTable#BACKBONE}.
 * Its weights are written by the caller from the trained parameters (the {@link WeightTable}); its
 * constants (Clip bounds, shapes) are copied from the file.
 */
final class BackboneExport {
  private BackboneExport() {}

  /**
   * @return the release's name of the backbone's feature map
   */
  static String write(GraphBuilder g, BackboneBlock block, String input) {
    OnnxBackbone b = block.graph();
    Preprocessing p = block.preprocessing();
    g.initializer(WeightTable.BACKBONE + "preprocess.mean", new long[] {1, 3, 1, 1}, p.mean());
    g.initializer(WeightTable.BACKBONE + "preprocess.std", new long[] {1, 3, 1, 1}, p.std());
    String centred =
        g.node(
            "Sub",
            WeightTable.BACKBONE + "preprocess.centred",
            new String[] {input, WeightTable.BACKBONE + "preprocess.mean"});
    g.node(
        "Div", rename(b.input()), new String[] {centred, WeightTable.BACKBONE + "preprocess.std"});
    Set<String> constants = new HashSet<>();
    for (NodeProto n : b.nodes()) {
      NodeProto.Builder r =
          n.toBuilder().clearInput().clearOutput().setName(rename(OnnxBackbone.name(n)));
      for (String in : n.getInputList()) {
        r.addInput(in.isEmpty() ? in : rename(in));
        if (!in.isEmpty() && b.isInitializer(in) && block.weight(in) == null && constants.add(in)) {
          TensorProto t = b.initializer(in);
          g.raw(t.toBuilder().setName(rename(in)).build());
        }
      }
      n.getOutputList().forEach(o -> r.addOutput(o.isEmpty() ? o : rename(o)));
      g.raw(r.build());
    }
    return rename(b.feature());
  }

  static String rename(String tensor) {
    return WeightTable.BACKBONE + tensor;
  }
}
