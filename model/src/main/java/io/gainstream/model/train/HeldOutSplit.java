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
   * Which images validate: those whose id hash falls below {@code share} ({@link
   * Validation#heldOut}), and the {@code extra} ids. Both are kept with the releases, so that a
   * trainer that resumes holds out exactly the images its weights never trained on.
   */
  public record Split(double share, Set<String> extra, Set<String> kept) {
    public Split {
      extra = Set.copyOf(extra);
      kept = Set.copyOf(kept);
    }

    /** The configured share alone. */
    public Split(double share) {
      this(share, Set.of(), Set.of());
    }

    public boolean heldOut(String id) {
      return extra.contains(id) || (Validation.heldOut(id, share) && !kept.contains(id));
    }
  }

  /**
   * The split of {@code all}: the hash band at {@code share}, widened until it holds {@link #size}
   * images, after one image of each class the band lacks (while another image of that class stays
   * to train on).
   *
   * @param all every example at hand (the held-out ones and the training ones)
   * @param share the configured held-out share
   * @param judge held-out images the guard and gate need
   */
  public static Split choose(List<Example> all, double share, int judge) {
    int want = size(all.size(), share, judge);
    List<Example> out = new ArrayList<>();
    List<Example> rest = new ArrayList<>();
    for (Example e : all) {
      (Validation.heldOut(e.id(), share) ? out : rest).add(e);
    }
    rest.sort(Comparator.comparingLong((Example e) -> bucket(e.id())).thenComparing(Example::id));
    Set<Integer> represented = new HashSet<>();
    out.forEach(e -> represented.addAll(classesOf(e)));
    Set<String> extra = new HashSet<>();
    for (Example e : List.copyOf(rest)) {
      if (out.size() >= want) {
        break;
      }
      List<Integer> missing = classesOf(e).stream().filter(k -> !represented.contains(k)).toList();
      if (!missing.isEmpty() && missing.stream().allMatch(k -> count(rest, k) >= 2)) {
        out.add(e);
        extra.add(e.id());
        rest.remove(e);
        represented.addAll(classesOf(e));
      }
    }
    long band = Math.round(share * BUCKETS);
    List<Example> training = new ArrayList<>(rest);
    Set<String> kept = new HashSet<>();
    for (Example e : rest) {
      if (out.size() >= want) {
        break;
      }
      band = Math.max(band, bucket(e.id()) + 1);
      if (classesOf(e).stream().anyMatch(k -> count(training, k) <= 1)) {
        kept.add(e.id()); // in the band, but the last image of its class left to train on
        continue;
      }
      training.remove(e);
      out.add(e);
    }
    // the hash alone may have taken every image of a class: one goes back to training
    for (Example e : out) {
      for (int k : e.classes()) {
        if (count(training, k) == 0 && !extra.contains(e.id())) {
          kept.add(e.id());
          training.add(e);
        }
      }
    }
    double widened = Math.max(share, (double) band / BUCKETS);
    // the band's own images need no naming; the class picks outside it do
    extra.removeIf(id -> Validation.heldOut(id, widened) && !kept.contains(id));
    return new Split(widened, extra, kept);
  }

  private static final int BUCKETS = 10_000;

  /** The id's place in {@link Validation#heldOut}'s order. */
  private static long bucket(String id) {
    CRC32 crc = new CRC32();
    crc.update(id.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % BUCKETS;
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
}
