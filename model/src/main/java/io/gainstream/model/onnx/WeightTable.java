package io.gainstream.model.onnx;

import ai.djl.nn.Parameter;
import io.gainstream.model.net.GainNetwork;
import io.gainstream.model.net.Head;
import java.util.ArrayList;
import java.util.List;

/**
 * The one mapping between DJL parameters and ONNX initializer names, used by both export and import
 * so the two can never drift apart. Layouts agree (NCHW, conv weights {@code (Cout, Cin, kH, kW)}),
 * so values move without reshaping.
 */
final class WeightTable {
  /** One weight: its ONNX initializer name and the DJL parameter holding it. */
  record Entry(String onnxName, Parameter parameter) {}

  private WeightTable() {}

  static String convWeight(int i) {
    return "conv" + i + ".weight";
  }

  static String convBias(int i) {
    return "conv" + i + ".bias";
  }

  static String bn(int i, String what) {
    return "bn" + i + "." + what;
  }

  static final String CAM_WEIGHT = "cam.weight";
  static final String CAM_BIAS = "cam.bias";

  /** ABN's conv from the class maps to its attention map M. */
  static final String ABN_ATTENTION_WEIGHT = "abn_attention.weight";

  static final String ABN_ATTENTION_BIAS = "abn_attention.bias";

  /** ABN's perception conv on the gated features. */
  static final String ABN_PERCEPTION_WEIGHT = "abn_perception.weight";

  static final String ABN_PERCEPTION_BIAS = "abn_perception.bias";

  /** SeeNet's S_B / S_C conv. */
  static final String SEENET_WEIGHT = "seenet_b.weight";

  static final String SEENET_BIAS = "seenet_b.bias";

  /** Prefix of a backbone's tensor names inside a release, so they cannot clash with ours. */
  static final String BACKBONE = "bb/";

  static List<Entry> of(GainNetwork net) {
    List<Entry> e = new ArrayList<>();
    if (net.backbone() != null) {
      for (String w : net.backbone().weightNames()) {
        e.add(new Entry(BACKBONE + w, net.backbone().weight(w)));
      }
    }
    for (int i = 0; net.backbone() == null && i < net.spec().depth(); i++) {
      e.add(new Entry(convWeight(i), GainNetwork.parameter(net.convs().get(i), "weight")));
      e.add(new Entry(convBias(i), GainNetwork.parameter(net.convs().get(i), "bias")));
      e.add(new Entry(bn(i, "scale"), GainNetwork.parameter(net.norms().get(i), "gamma")));
      e.add(new Entry(bn(i, "bias"), GainNetwork.parameter(net.norms().get(i), "beta")));
      e.add(new Entry(bn(i, "mean"), GainNetwork.parameter(net.norms().get(i), "runningMean")));
      e.add(new Entry(bn(i, "var"), GainNetwork.parameter(net.norms().get(i), "runningVar")));
    }
    e.add(new Entry(CAM_WEIGHT, GainNetwork.parameter(net.camHead(), "weight")));
    e.add(new Entry(CAM_BIAS, GainNetwork.parameter(net.camHead(), "bias")));
    if (net.head() == Head.ABN) {
      e.add(new Entry(ABN_ATTENTION_WEIGHT, GainNetwork.parameter(net.abnAttention(), "weight")));
      e.add(new Entry(ABN_ATTENTION_BIAS, GainNetwork.parameter(net.abnAttention(), "bias")));
      e.add(new Entry(ABN_PERCEPTION_WEIGHT, GainNetwork.parameter(net.abnPerception(), "weight")));
      e.add(new Entry(ABN_PERCEPTION_BIAS, GainNetwork.parameter(net.abnPerception(), "bias")));
    }
    if (net.head() == Head.SEENET) {
      e.add(new Entry(SEENET_WEIGHT, GainNetwork.parameter(net.seenetBranch(), "weight")));
      e.add(new Entry(SEENET_BIAS, GainNetwork.parameter(net.seenetBranch(), "bias")));
    }
    return e;
  }
}
