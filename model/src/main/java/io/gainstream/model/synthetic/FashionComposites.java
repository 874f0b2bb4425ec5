package io.gainstream.model.synthetic;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * Benchmark set (b): a more photographic composite. Fashion-MNIST items (Debian package {@code
 * dataset-fashion-mnist}) tinted and pasted on crops of real photographs and textures (Debian
 * package {@code python3-skimage}), dimmed to 60 % so the items stand out; the mask is the pasted
 * item's own pixels. (On undimmed, busier photographs the default network reached only 49 %
 * accuracy in the benchmark budget.) Nothing is downloaded: both packages are read from where
 * Debian installs them.
 */
public final class FashionComposites {
  /** Where Debian puts the data; override with system properties for other layouts. */
  public static final Path FASHION_DIR =
      Path.of(System.getProperty("gainstream.fashion.dir", "/usr/share/datasets/fashion-mnist"));

  public static final Path TEXTURE_DIR =
      Path.of(
          System.getProperty(
              "gainstream.texture.dir", "/usr/lib/python3/dist-packages/skimage/data"));

  /** The four Fashion-MNIST classes used, with their label numbers in the dataset. */
  public static final List<String> CLASSES = List.of("tshirt", "trouser", "sneaker", "bag");

  private static final int[] FMNIST_LABEL = {0, 1, 7, 8};
  private static final String[] TEXTURES = {
    "brick.png", "grass.png", "gravel.png", "moon.png", "coffee.png", "rocket.jpg"
  };

  private FashionComposites() {}

  /** Whether the Debian packages are installed. */
  public static boolean available() {
    return Files.isReadable(FASHION_DIR.resolve("train-images-idx3-ubyte.gz"))
        && Files.isReadable(TEXTURE_DIR.resolve("brick.png"));
  }

  public static List<SyntheticDataset.Sample> generate(int count, int size, long seed)
      throws IOException {
    if (!available()) {
      throw new IOException(
          "benchmark set (b) needs the Debian packages dataset-fashion-mnist and python3-skimage"
              + " (apt-get install dataset-fashion-mnist python3-skimage)");
    }
    byte[][] items = readImages(FASHION_DIR.resolve("train-images-idx3-ubyte.gz"));
    byte[] labels = readLabels(FASHION_DIR.resolve("train-labels-idx1-ubyte.gz"));
    List<List<Integer>> byClass = new ArrayList<>();
    for (int k = 0; k < CLASSES.size(); k++) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == FMNIST_LABEL[k]) {
          idx.add(i);
        }
      }
      byClass.add(idx);
    }
    List<BufferedImage> textures = new ArrayList<>();
    for (String t : TEXTURES) {
      BufferedImage img = ImageIO.read(TEXTURE_DIR.resolve(t).toFile());
      if (img != null) {
        BufferedImage rgb =
            new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        textures.add(rgb);
      }
    }
    Random rnd = new Random(seed);
    List<SyntheticDataset.Sample> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SyntheticDataset.Draw draw = SyntheticDataset.drawClasses(rnd, CLASSES.size(), 0.3);
      int first = draw.first();
      int[] classes = draw.classes();
      BufferedImage img = background(textures.get(rnd.nextInt(textures.size())), size, rnd);
      byte[] mask = new byte[size * size];
      int item = (int) (size * (classes.length == 2 ? 0.48 : 0.6));
      List<int[]> boxes = new ArrayList<>();
      for (int k : classes) {
        List<Integer> pool = byClass.get(k - 1);
        paste(img, mask, items[pool.get(rnd.nextInt(pool.size()))], k, item, boxes, rnd);
      }
      out.add(new SyntheticDataset.Sample("fashion-" + seed + "-" + i, img, classes, mask));
    }
    return out;
  }

  private static BufferedImage background(BufferedImage tex, int size, Random rnd) {
    int crop = Math.min(Math.min(tex.getWidth(), tex.getHeight()), size * 2);
    int x = rnd.nextInt(tex.getWidth() - crop + 1);
    int y = rnd.nextInt(tex.getHeight() - crop + 1);
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(tex, 0, 0, size, size, x, y, x + crop, y + crop, null);
    g.dispose();
    for (int py = 0; py < size; py++) {
      for (int px = 0; px < size; px++) {
        int c = out.getRGB(px, py);
        int r = (int) (((c >> 16) & 0xff) * 0.6);
        int gg = (int) (((c >> 8) & 0xff) * 0.6);
        int b = (int) ((c & 0xff) * 0.6);
        out.setRGB(px, py, (r << 16) | (gg << 8) | b);
      }
    }
    return out;
  }

  private static void paste(
      BufferedImage img,
      byte[] mask,
      byte[] item,
      int cls,
      int side,
      List<int[]> boxes,
      Random rnd) {
    int n = img.getWidth();
    int x0 = 0;
    int y0 = 0;
    for (int attempt = 0; attempt < 100; attempt++) {
      x0 = rnd.nextInt(n - side + 1);
      y0 = rnd.nextInt(n - side + 1);
      int fx = x0;
      int fy = y0;
      if (boxes.stream()
          .noneMatch(
              b -> fx < b[0] + side && b[0] < fx + side && fy < b[1] + side && b[1] < fy + side)) {
        break;
      }
    }
    boxes.add(new int[] {x0, y0});
    Color tint = Color.getHSBColor(rnd.nextFloat(), 0.3f + 0.5f * rnd.nextFloat(), 1f);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        // bilinear sample of the 28x28 item
        double sx = (x + 0.5) * 28.0 / side - 0.5;
        double sy = (y + 0.5) * 28.0 / side - 0.5;
        double v = sample(item, sx, sy);
        if (v < 40) {
          continue;
        }
        double a = Math.min(1.0, v / 255.0 * 1.3);
        int px = x0 + x;
        int py = y0 + y;
        int bg = img.getRGB(px, py);
        double shade = 0.45 + 0.55 * v / 255.0;
        int r = (int) (a * tint.getRed() * shade + (1 - a) * ((bg >> 16) & 0xff));
        int g = (int) (a * tint.getGreen() * shade + (1 - a) * ((bg >> 8) & 0xff));
        int b = (int) (a * tint.getBlue() * shade + (1 - a) * (bg & 0xff));
        img.setRGB(px, py, (r << 16) | (g << 8) | b);
        mask[py * n + px] = (byte) cls;
      }
    }
  }

  private static double sample(byte[] item, double x, double y) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double fx = x - x0;
    double fy = y - y0;
    return (1 - fy) * ((1 - fx) * px(item, x0, y0) + fx * px(item, x0 + 1, y0))
        + fy * ((1 - fx) * px(item, x0, y0 + 1) + fx * px(item, x0 + 1, y0 + 1));
  }

  private static int px(byte[] item, int x, int y) {
    if (x < 0 || y < 0 || x >= 28 || y >= 28) {
      return 0;
    }
    return item[y * 28 + x] & 0xff;
  }

  static byte[][] readImages(Path gz) throws IOException {
    try (InputStream raw = Files.newInputStream(gz);
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
      if (in.readInt() != 2051) {
        throw new IOException(gz + " is not an IDX image file");
      }
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      byte[][] out = new byte[n][rows * cols];
      for (int i = 0; i < n; i++) {
        in.readFully(out[i]);
      }
      return out;
    }
  }

  static byte[] readLabels(Path gz) throws IOException {
    try (InputStream raw = Files.newInputStream(gz);
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
      if (in.readInt() != 2049) {
        throw new IOException(gz + " is not an IDX label file");
      }
      byte[] out = new byte[in.readInt()];
      in.readFully(out);
      return out;
    }
  }
}
