package io.gainstream.model.backbone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A backbone a network can be built on: the cut-down graph and the normalisation it expects.
 * Each network gets its own {@link #newBlock() block} (its own parameters, starting from the
 * file's weights).
 */
public record Backbone(OnnxBackbone graph, Preprocessing preprocessing) {
  /** Reads a classifier from a file; a file that cannot be used fails with one line. */
  public static Backbone read(Path file, Preprocessing preprocessing) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BackboneException("cannot read backbone " + file + ": " + e.getMessage());
    }
    return new Backbone(OnnxBackbone.read(bytes), preprocessing);
  }

  /** A fresh block with the file's weights. */
  public BackboneBlock newBlock() {
    return new BackboneBlock(graph, preprocessing);
  }
}
