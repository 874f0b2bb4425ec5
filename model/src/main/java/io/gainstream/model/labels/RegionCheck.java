package io.gainstream.model.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Takes out of a fused label the regions of an animal class that an ImageNet classifier sees as no
 * animal at all: a pontoon boat under a dog's head, a dock beside an animal.
 *
 * <p>Why: on coco-dev most of the fused labels' false foreground is whole wrong objects (400 of 663
 * thousand false pixels in regions holding under 10 % of a labelled object), because the mask model
 * finds the salient thing of a photo and the attention, spread over the frame, cannot say which
 * salient thing is the class. The release's own classifier cannot tell either (it learned "a scene
 * with an animal"); an ImageNet-1k classifier knows a thousand objects, and its first 398 classes
 * are animals. On coco-dev the wrong regions of the animal class scored 0.001 to 0.015 of animal
 * belief, every true one 0.20 or more except one (docs/QUALITY.md, "The animal check").
 *
 * <p>Which classes are animals is a fact about the classes, not about one photo, so it is given
 * ({@link #animalPhoto}: learned by {@code label} from the training photos). Asking the attention
 * instead (the window around its peak) failed: through the pipeline that window was too wide to
 * show the animal, and the check changed no label. Classes that are not animals (people, cars) are
 * left as fused: ImageNet has no class for a person, and its classes are not grouped into kinds
 * here beyond animal or not. A region taken out is set to 255 (not known): it is not this class,
 * and it may still be another.
 */
public final class RegionCheck {
  /** ImageNet-1k's classes 0 to 397 are animals (tench to sea cucumber, WordNet's "animal"). */
  public static final int IMAGENET_ANIMALS = 398;

  /** Classes an ImageNet-1k classifier answers. */
  public static final int IMAGENET_CLASSES = 1000;

  /** Animal belief at which a crop of a photo shows an animal. */
  public static final float ANIMAL = 0.5f;

  /**
   * @param region animal belief under which a region of an animal class is taken out
   * @param minArea share of the image below which a region is left alone (too small to crop)
   * @param margin share of a region's box added on each side of its crop
   */
  public record Settings(float region, float minArea, float margin) {
    public Settings {
      if (!(region >= 0 && region < ANIMAL)) {
        throw new IllegalArgumentException(
            "need 0 <= region < " + ANIMAL + ", got region " + region);
      }
      if (!(minArea >= 0 && minArea < 1) || !(margin >= 0 && margin <= 1)) {
        throw new IllegalArgumentException(
            "need 0 <= minArea < 1 and 0 <= margin <= 1; got " + minArea + ", " + margin);
      }
    }

    /** The measured default: regions of ½ % of the image and more, under 0.1 of animal belief. */
    public static Settings defaults() {
      return new Settings(0.1f, 0.005f, 0.15f);
    }

    /** What a label records, e.g. {@code check(animal classes [dog], region < 0.10)}. */
    public String describe(List<String> animalClasses) {
      return String.format(
          Locale.ROOT, "check(animal classes %s, region < %.2f)", animalClasses, region);
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

  /** What the check did to one label: the label, and how many regions and pixels it took out. */
  public record Outcome(byte[] classMap, int regionsOut, int pixelsOut) {}

  private RegionCheck() {}

  /**
   * The crops that decide whether a photo shows an animal: the whole photo, its four quarters and
   * its centre half — an animal that is small in a wide scene fills one of them (on coco-dev 3 of
   * the 7 animal photos showed an animal as a whole, all 7 in some crop).
   */
  public static List<Box> photoCrops(int w, int h) {
    // a side of one pixel still gives crops of at least one pixel
    int hw = Math.max(1, w / 2);
    int hh = Math.max(1, h / 2);
    return List.of(
        new Box(0, 0, w, h),
        new Box(0, 0, hw, hh),
        new Box(w - hw, 0, w, hh),
        new Box(0, h - hh, hw, h),
        new Box(w - hw, h - hh, w, h),
        new Box(w / 4, h / 4, w - w / 4, h - h / 4));
  }

  /** Whether a photo shows an animal: {@link #ANIMAL} belief in one of its {@link #photoCrops}. */
  public static boolean animalPhoto(int w, int h, AnimalShares shares) {
    for (float v : shares.of(photoCrops(w, h))) {
      if (v >= ANIMAL) {
        return true;
      }
    }
    return false;
  }

  /**
   * The label with the regions of {@code animalClasses} taken out that {@code shares} sees as no
   * animal; {@code classMap} itself is not changed.
   *
   * @param classMap the fused label, {@code w × h}, class indices (0 background, 255 not known)
   * @param animalClasses the image's labelled classes that are animals
   */
  public static Outcome apply(
      byte[] classMap, int w, int h, int[] animalClasses, Settings s, AnimalShares shares) {
    byte[] out = classMap.clone();
    int regionsOut = 0;
    int pixelsOut = 0;
    for (int c : animalClasses) {
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
