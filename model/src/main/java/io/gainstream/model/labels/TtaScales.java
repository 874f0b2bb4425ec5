package io.gainstream.model.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The scales of multi-scale test-time fusion, as multiples of a release's input side: the attention
 * stage runs the batch at each scale (and its mirror, when flip fusion is on), brings every map
 * back to the release's side and averages them (IRN's scheme: a small scale sees whole objects, a
 * large one their parts). {@code 1} alone is single-scale. The list always holds 1, because class
 * scores and the release's geometry come from that run.
 */
public record TtaScales(List<Double> values) {
  public static final double MIN = 0.25;
  public static final double MAX = 4;

  public TtaScales {
    values = List.copyOf(values);
    if (!values.contains(1.0)) {
      throw new IllegalArgumentException("test-time scales must include 1, got " + values);
    }
    for (double v : values) {
      if (!(v >= MIN && v <= MAX)) {
        throw new IllegalArgumentException(
            "test-time scales must lie in [" + MIN + ", " + MAX + "], got " + v);
      }
    }
    if (values.stream().distinct().count() != values.size()) {
      throw new IllegalArgumentException("test-time scales repeat: " + values);
    }
  }

  /**
   * The release's side and 1.5 times it: the multi-scale setting {@code bench quality --variants}
   * compares, and the one backbone releases name ({@code LabelRecipe.Named.BACKBONE}).
   */
  public static final TtaScales COMPARED = new TtaScales(List.of(1.0, 1.5));

  public static TtaScales single() {
    return new TtaScales(List.of(1.0));
  }

  /**
   * A comma-separated list such as {@code 1,1.5}; a one-line {@link IllegalArgumentException}
   * otherwise.
   */
  public static TtaScales parse(String text) {
    List<Double> v = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      try {
        v.add(Double.parseDouble(part.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "test-time scales are comma-separated numbers such as 1,1.5, got '" + text + "'");
      }
    }
    return new TtaScales(v);
  }

  public boolean isSingle() {
    return values.size() == 1;
  }

  /** The scales other than 1, in order. */
  public List<Double> others() {
    return values.stream().filter(v -> v != 1.0).toList();
  }

  /** As {@link #parse} reads it. */
  public String encode() {
    return values.stream()
        .map(v -> v == Math.rint(v) ? Long.toString((long) (double) v) : Double.toString(v))
        .collect(Collectors.joining(","));
  }
}
