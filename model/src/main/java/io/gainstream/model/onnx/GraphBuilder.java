package io.gainstream.model.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Thin helper over the ONNX protobuf builders: nodes, attributes, float initializers, I/O types.
 */
final class GraphBuilder {
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private int nodes;

  GraphBuilder(String name) {
    graph.setName(name);
  }

  /** Adds a node; attributes come from {@link #ints}, {@link #floatAttr}, {@link #intAttr}. */
  String node(String op, String output, String[] inputs, AttributeProto... attributes) {
    NodeProto.Builder n =
        NodeProto.newBuilder()
            .setOpType(op)
            .setName(op.toLowerCase() + "_" + nodes++)
            .addOutput(output);
    for (String in : inputs) {
      n.addInput(in);
    }
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    graph.addNode(n);
    return output;
  }

  /** A float initializer stored little-endian in {@code raw_data}. */
  void initializer(String name, long[] dims, float[] values) {
    graph.addInitializer(floats(name, dims, values));
  }

  /** An int64 initializer (a shape, for Reshape) stored little-endian in {@code raw_data}. */
  void initializer(String name, long[] dims, long[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(values);
    graph.addInitializer(tensor(name, dims, TensorProto.DataType.INT64, buf));
  }

  /** A float tensor stored little-endian in {@code raw_data}. */
  static TensorProto floats(String name, long[] dims, float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return tensor(name, dims, TensorProto.DataType.FLOAT, buf);
  }

  private static TensorProto tensor(
      String name, long[] dims, TensorProto.DataType type, ByteBuffer data) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    return t.setRawData(ByteString.copyFrom(data.array())).build();
  }

  /** Adds a node as it is (a backbone's node, renamed by the caller). */
  void raw(OnnxMl.NodeProto node) {
    graph.addNode(node);
  }

  /** Adds an initializer as it is (a backbone's constant, any data type). */
  void raw(TensorProto tensor) {
    graph.addInitializer(tensor);
  }

  void input(String name, Object... dims) {
    graph.addInput(valueInfo(name, dims));
  }

  void output(String name, Object... dims) {
    graph.addOutput(valueInfo(name, dims));
  }

  GraphProto build() {
    return graph.build();
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  static AttributeProto floatAttr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  /** A float tensor type; a {@code String} dim is symbolic (e.g. "batch"), a number is fixed. */
  static ValueInfoProto valueInfo(String name, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String s) {
        dim.setDimParam(s);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(
                TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.FLOAT.getNumber())
                    .setShape(shape))
            .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }
}
