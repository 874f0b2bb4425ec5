package io.gainstream.model.train;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Which images validate rather than train, whatever the size of the set.
 *
 * <p>Why: a share alone fails small sets, which are the common case. 10 % of 83 photos held out 7;
 * the collapse guard and the release gate need 8 to judge, switched themselves off, and a collapsed
 * release went out with labels worse than a centred ellipse (issue 29). The rule here: hold out the
 * images the id hash picks at the configured share ({@link Validation#heldOut}, so a service and
 * its restarts agree), and more where that is too few — at least {@link #FLOOR}, or {@link
 * #SMALL_SET_SHARE} of a set too small for that, and never fewer than the guard needs ({@code
 * judge}) when that leaves twice as many to train on. Extra images are the lowest-hash ones of a
 * class the held-out set lacks first (every labelled class represented where possible), then of
 * any. Below {@code 3 × judge} images nothing can be judged; the caller refuses to publish or to
 * start ({@link #judgeable}).
 */
public final class HeldOutSplit {
  /** Held-out images wanted of any set that can spare them. */
  public static final int FLOOR = 16;

  /** The share of a small set held out to reach the floor as far as it can. */
  public static final double SMALL_SET_SHARE = 0.2;

  private HeldOutSplit() {}

  /** Whether a set of {@code n} images can hold {@code judge} out and train on twice as many. */
  public static boolean judgeable(int n, int judge) {
    return n >= 3 * judge;
  }

  /** How many of {@code n} images to hold out. */
  public static int size(int n, double share, int judge) {
    int k =
        Math.max(
            (int) Math.round(share * n), Math.min(FLOOR, (int) Math.round(SMALL_SET_SHARE * n)));
    if (judgeable(n, judge)) {
      k = Math.max(k, judge);
    }
    return Math.min(k, n / 3);
  }

  /**
   * The ids of {@code all} to hold out: every one the hash picks at {@code share}, then extras up
   * to {@link #size}.
   *
   * @param all every example at hand (the held-out ones and the training ones)
   * @param share the configured held-out share
   * @param judge held-out images the guard and gate need
   */
  public static Set<String> choose(List<Example> all, double share, int judge) {
    Set<String> out = new HashSet<>();
    List<Example> rest = new ArrayList<>();
    for (Example e : all) {
      if (Validation.heldOut(e.id(), share)) {
        out.add(e.id());
      } else {
        rest.add(e);
      }
    }
    rest.sort(Comparator.comparingLong((Example e) -> hash(e.id())).thenComparing(Example::id));
    int want = size(all.size(), share, judge);
    Set<Integer> represented = new HashSet<>();
    all.stream()
        .filter(e -> out.contains(e.id()))
        .forEach(e -> classesOf(e).forEach(represented::add));
    // a class the held-out set lacks, from an image of it while another stays to train on
    for (Example e : List.copyOf(rest)) {
      if (out.size() >= want) {
        break;
      }
      List<Integer> missing = classesOf(e).stream().filter(k -> !represented.contains(k)).toList();
      if (!missing.isEmpty() && missing.stream().allMatch(k -> count(rest, k) >= 2)) {
        out.add(e.id());
        rest.remove(e);
        represented.addAll(classesOf(e));
      }
    }
    for (Example e : rest) {
      if (out.size() >= want) {
        break;
      }
      out.add(e.id());
    }
    return out;
  }

  private static List<Integer> classesOf(Example e) {
    List<Integer> ks = new ArrayList<>();
    for (int k : e.classes()) {
      ks.add(k);
    }
    return ks;
  }

  private static long count(List<Example> examples, int k) {
    return examples.stream().filter(e -> classesOf(e).contains(k)).count();
  }

  private static long hash(String id) {
    CRC32 crc = new CRC32();
    crc.update(id.getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }
}
