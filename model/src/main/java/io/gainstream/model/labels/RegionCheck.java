package io.gainstream.model.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Takes out of a fused label the regions of an animal class that an ImageNet classifier sees as no
 * animal at all: a pontoon boat under a dog's head, a dock beside a bird.
 *
 * <p>Why: on coco-dev most of the fused labels' false foreground is whole wrong objects (session
 * 20: 400 of 663 thousand false pixels in regions holding under 10 % of a labelled object), because
 * the mask model finds the salient thing of a photo and the attention, spread over the frame,
 * cannot say which salient thing is the class. The release's own classifier cannot tell either (it
 * learned "a scene with an animal"); an ImageNet-1k classifier knows a thousand objects, and its
 * first 398 classes are animals. So the check asks it two questions per labelled class: does the
 * window around the class's attention peak ({@link AttentionWindow}, the same window the mask
 * model's second look uses) show an animal, and, if so, does each region of that class? A region
 * whose crop gets under {@code region} of animal probability, in an image whose attended part is an
 * animal, is set to 255 (not known: it is not this class, and it may still be another). Classes
 * whose attended part is not an animal (people, cars) are left as fused: ImageNet has no class for
 * a person, and its thousand classes are not grouped into kinds here beyond animal or not.
 *
 * <p>It is only as good as the window: where the attention is spread over the frame the window is
 * most of the photo, and the check, seeing mostly the wrong object there, does nothing. Measured
 * (docs/QUALITY.md, "The animal check"): on coco-dev seed 2 the window sits on the dog of photo 400
 * and the pontoon boat under it goes (fg mIoU +6.5 points); on seed 1 that window is 74 % of the
 * photo and nothing changes; no true animal region's crop scored under 0.2.
 */
public final class RegionCheck {
  /** ImageNet-1k's classes 0 to 397 are animals (tench to sea cucumber, WordNet's "animal"). */
  public static final int IMAGENET_ANIMALS = 398;

  /** Classes an ImageNet-1k classifier answers. */
  public static final int IMAGENET_CLASSES = 1000;

  /**
   * @param animal animal probability at which a class's attended window counts as an animal
   * @param region animal probability under which a region of such a class is taken out
   * @param minArea share of the image below which a region is left alone (too small to crop)
   * @param margin share of a region's box added on each side of its crop
   * @param window where the class's attended part is (peak share and margin)
   */
  public record Settings(
      float animal, float region, float minArea, float margin, AttentionWindow.Settings window) {
    public Settings {
      if (!(animal > 0 && animal <= 1) || !(region >= 0 && region < animal)) {
        throw new IllegalArgumentException(
            "need 0 < animal <= 1 and 0 <= region < animal; got animal "
                + animal
                + ", region "
                + region);
      }
      if (!(minArea >= 0 && minArea < 1) || !(margin >= 0 && margin <= 1)) {
        throw new IllegalArgumentException(
            "need 0 <= minArea < 1 and 0 <= margin <= 1; got " + minArea + ", " + margin);
      }
    }

    /** The measured default: window animal at 0.5, region under 0.1, regions of ½ % and more. */
    public static Settings defaults() {
      return new Settings(0.5f, 0.1f, 0.005f, 0.15f, AttentionWindow.Settings.defaults());
    }

    /** What a label records, e.g. {@code check(animal >= 0.50, region < 0.10)}. */
    public String describe() {
      return String.format(Locale.ROOT, "check(animal >= %.2f, region < %.2f)", animal, region);
    }
  }

  /** A box in image pixels, inclusive of {@code x0, y0}, exclusive of {@code x1, y1}. */
  public record Box(int x0, int y0, int x1, int y1) {
    public int width() {
      return x1 - x0;
    }

    public int height() {
      return y1 - y0;
    }
  }

  /** The classifier's animal probability (its first 398 classes' softmax mass) for each crop. */
  @FunctionalInterface
  public interface AnimalShares {
    float[] of(List<Box> crops);
  }

  /** What the check did to one label: for the manifest and the log. */
  public record Outcome(byte[] classMap, int regionsOut, int pixelsOut) {}

  private RegionCheck() {}

  /**
   * The label with the regions taken out that {@code shares} sees as no animal in a class whose
   * attended window it sees as one; {@code classMap} itself is not changed.
   *
   * @param classMap the fused label, {@code w × h}, class indices (0 background, 255 not known)
   * @param classes the image's labelled class indices, in the order of {@code maps}
   * @param maps each labelled class's attention at {@code w × h}
   */
  public static Outcome apply(
      byte[] classMap,
      int w,
      int h,
      int[] classes,
      float[][] maps,
      Settings s,
      AnimalShares shares) {
    if (classes.length != maps.length) {
      throw new IllegalArgumentException(classes.length + " classes but " + maps.length + " maps");
    }
    List<Box> windows = new ArrayList<>(classes.length);
    for (float[] map : maps) {
      Optional<AttentionWindow> win = AttentionWindow.of(new float[][] {map}, w, h, s.window());
      windows.add(
          win.map(v -> new Box(v.x(), v.y(), v.x() + v.width(), v.y() + v.height()))
              .orElse(new Box(0, 0, w, h)));
    }
    float[] windowShares = shares.of(windows);
    byte[] out = classMap.clone();
    int regionsOut = 0;
    int pixelsOut = 0;
    for (int i = 0; i < classes.length; i++) {
      if (windowShares[i] < s.animal()) {
        continue;
      }
      int c = classes[i];
      float[] inClass = new float[w * h];
      for (int p = 0; p < inClass.length; p++) {
        inClass[p] = (classMap[p] & 0xff) == c ? 1f : 0f;
      }
      int[] region = MaskFusion.components(inClass, 0.5f, w, h);
      int count = 0;
      for (int r : region) {
        count = Math.max(count, r);
      }
      int[] area = new int[count + 1];
      int[][] box = new int[count + 1][];
      for (int p = 0; p < region.length; p++) {
        int r = region[p];
        if (r == 0) {
          continue;
        }
        area[r]++;
        int x = p % w;
        int y = p / w;
        if (box[r] == null) {
          box[r] = new int[] {x, y, x, y};
        } else {
          box[r][0] = Math.min(box[r][0], x);
          box[r][1] = Math.min(box[r][1], y);
          box[r][2] = Math.max(box[r][2], x);
          box[r][3] = Math.max(box[r][3], y);
        }
      }
      List<Integer> judged = new ArrayList<>();
      List<Box> crops = new ArrayList<>();
      for (int r = 1; r <= count; r++) {
        if (area[r] < s.minArea() * w * h) {
          continue;
        }
        int mx = (int) (s.margin() * (box[r][2] - box[r][0] + 1));
        int my = (int) (s.margin() * (box[r][3] - box[r][1] + 1));
        judged.add(r);
        crops.add(
            new Box(
                Math.max(0, box[r][0] - mx),
                Math.max(0, box[r][1] - my),
                Math.min(w, box[r][2] + 1 + mx),
                Math.min(h, box[r][3] + 1 + my)));
      }
      if (crops.isEmpty()) {
        continue;
      }
      float[] regionShares = shares.of(crops);
      boolean[] out255 = new boolean[count + 1];
      for (int k = 0; k < judged.size(); k++) {
        if (regionShares[k] < s.region()) {
          out255[judged.get(k)] = true;
          regionsOut++;
          pixelsOut += area[judged.get(k)];
        }
      }
      for (int p = 0; p < region.length; p++) {
        if (out255[region[p]]) {
          out[p] = (byte) 255;
        }
      }
    }
    return new Outcome(out, regionsOut, pixelsOut);
  }
}
