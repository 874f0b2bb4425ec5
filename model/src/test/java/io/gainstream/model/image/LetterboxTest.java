package io.gainstream.model.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class LetterboxTest {
  @Test
  void theLongSideFillsTheInputAndTheImageIsCentred() {
    assertEquals(new Letterbox(0, 28, 224, 168, 224), Letterbox.of(640, 480, 224));
    assertEquals(new Letterbox(28, 0, 168, 224, 224), Letterbox.of(480, 640, 224));
    assertEquals(new Letterbox(0, 0, 64, 64, 64), Letterbox.of(200, 200, 64));
    assertTrue(Letterbox.of(200, 200, 64).fills());
    // a very thin image keeps at least one row
    assertEquals(1, Letterbox.of(5000, 3, 64).height());
    assertThrows(IllegalArgumentException.class, () -> Letterbox.of(0, 10, 64));
  }

  /**
   * A 96×48 image, red on its left third: boxed into 48 pixels and mapped back, red stays there.
   */
  @Test
  void aMapOfTheBoxedInputLandsBackOnTheImagePixelsItCameFrom() {
    int w = 96;
    int h = 48;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, w / 3, h);
    g.dispose();
    int s = 48;
    float[] chw = Tensors.toChw(img, s);
    Letterbox box = Letterbox.of(w, h, s);
    assertEquals(new Letterbox(0, 12, 48, 24, 48), box);
    // padding rows carry the mean colour, not the image
    assertEquals(Letterbox.PAD[0], chw[0], 1e-6);
    assertEquals(Letterbox.PAD[2], chw[2 * s * s + (s - 1) * s + s - 1], 1e-6);
    float[] red = java.util.Arrays.copyOfRange(chw, 0, s * s);
    float[] back = box.mapBack(red, w, h);
    int wrong = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean isRed = back[y * w + x] > 0.5f;
        if (isRed != x < w / 3) {
          wrong++;
          assertTrue(
              Math.abs(x - w / 3) <= 1, "only the edge column may differ, got x=" + x + " y=" + y);
        }
      }
    }
    assertTrue(wrong <= 2 * h, "wrong pixels " + wrong);
  }

  @Test
  void pixelLabelsArePlacedInTheWindowAndThePaddingIsBackground() {
    int w = 8;
    int h = 4;
    byte[] labels = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        labels[y * w + x] = (byte) (x < w / 2 ? 1 : 2);
      }
    }
    Letterbox box = Letterbox.of(w, h, 8);
    byte[] placed = box.placeLabels(labels, w, h);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        int expected = y < 2 || y >= 6 ? 0 : x < 4 ? 1 : 2;
        assertEquals(expected, placed[y * 8 + x], "at " + x + "," + y);
      }
    }
  }

  /** An image boxed at one size and moved to another agrees with the image boxed there directly. */
  @Test
  void reframingMatchesBoxingAtTheNewSize() {
    int w = 120;
    int h = 60;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (2 * x) << 16 | (4 * y) << 8 | 50);
      }
    }
    float[] at40 = Tensors.toChw(img, 40);
    float[] direct = Tensors.toChw(img, 60);
    float[] moved = new float[3 * 60 * 60];
    Letterbox from = Letterbox.of(w, h, 40);
    Letterbox to = Letterbox.of(w, h, 60);
    for (int ch = 0; ch < 3; ch++) {
      from.reframe(
          java.util.Arrays.copyOfRange(at40, ch * 1600, (ch + 1) * 1600),
          to,
          Letterbox.PAD[ch],
          moved,
          ch * 3600);
    }
    double worst = 0;
    for (int ch = 0; ch < 3; ch++) {
      for (int y = to.y() + 1; y < to.y() + to.height() - 1; y++) {
        for (int x = 1; x < 59; x++) {
          worst =
              Math.max(
                  worst, Math.abs(moved[ch * 3600 + y * 60 + x] - direct[ch * 3600 + y * 60 + x]));
        }
      }
      assertEquals(Letterbox.PAD[ch], moved[ch * 3600], 1e-6, "padding of channel " + ch);
    }
    // a smooth ramp: resampling twice differs from once by well under one grey level step of the
    // ramp
    assertTrue(worst < 0.02, "worst difference " + worst);
  }
}
