package io.gainstream.model.train;

/**
 * One training image in the network's layout.
 *
 * @param id image id
 * @param chw 3×S×S floats in [0, 1]
 * @param classes class indices present (1-based)
 * @param mask S×S class indices (pixel label) or {@code null}
 */
public record Example(String id, float[] chw, int[] classes, byte[] mask) {}
