package io.gainstream.services.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.PixelLabels;
import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.train.Validation;
import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.proto.v1.ProxyLabel;
import io.gainstream.services.io.Json;
import io.gainstream.services.view.Overlays;
import io.gainstream.topology.PipelineConfig;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard shows, folded from the topics record by record: the newest labelled images
 * with their pictures (drawn once, when the page first shows them), the model releases with their
 * training metrics and — for images that came with pixel labels — the mIoU of each release, the
 * label throughput over time, and the dead letters by reason. Fed by {@link DashboardFeed}; {@link
 * #json} is what the page polls.
 */
public final class DashboardState {
  /** Newest labelled images kept with pictures. */
  static final int RECENT = 12;

  /** Image events kept to pair with labels that arrive later. */
  static final int PENDING_IMAGES = 512;

  static final long BUCKET_MS = 2000;
  static final int BUCKETS = 90;

  /**
   * One labelled image, rendered: its pictures at most {@link Overlays#SHOWN} a side, {@code width}
   * and {@code height} the label's own size.
   *
   * @param unrefined the label before the dense CRF when it was refined, else null
   * @param unfused the attention's label when a mask model was fused into {@code label}, else null
   * @param maskModel the mask model fused into the label, else null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Card(
      String id,
      long version,
      int width,
      int height,
      String image,
      String label,
      String unrefined,
      String unfused,
      @JsonProperty("mask_model") String maskModel,
      List<ClassView> classes,
      Map<String, Float> scores) {}

  /** Pictures of one labelled class. */
  record ClassView(String name, String heatmap, String soft, String zones) {}

  /** A release and its metrics. */
  record Release(
      long version, long createdMs, long step, String method, Map<String, Double> metrics) {}

  private final List<String> classNames;
  private final LinkedHashMap<String, ImageEvent> images =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ImageEvent> eldest) {
          return size() > PENDING_IMAGES;
        }
      };
  private final Deque<Shown> recent = new ArrayDeque<>();
  private final TreeMap<Long, Release> releases = new TreeMap<>();
  private final Map<Long, ConfusionMatrix> quality = new TreeMap<>();
  private final Map<String, Long> deadByReason = new TreeMap<>();
  private final Deque<String[]> lastDead = new ArrayDeque<>();
  private final long[] bucketCounts = new long[BUCKETS];
  private final long[] bucketStart = new long[BUCKETS];
  private long labels;
  private long unreadable;

  /**
   * The release that labelled each image last, and how many images each release holds: what share
   * of the labels the newest release stands behind. One entry per labelled image (an id and a
   * long), the price of knowing it exactly.
   */
  private final Map<String, Long> labelledBy = new HashMap<>();

  private final TreeMap<Long, Long> imagesByVersion = new TreeMap<>();

  /**
   * How current the labels are.
   *
   * @param images images with a label
   * @param newestVersion the newest release known (from the models topic, else the labels)
   * @param onNewest images whose newest label is that release's
   */
  public record Freshness(long images, long newestVersion, long onNewest) {
    /** Images labelled by an older release only: what re-labelling would still have to do. */
    public long behind() {
      return images - onNewest;
    }

    /** Share of the labelled images on the newest release (1 when nothing is labelled yet). */
    public double share() {
      return images == 0 ? 1.0 : (double) onNewest / images;
    }
  }

  public DashboardState(List<String> classNames) {
    this.classNames = classNames;
  }

  /** Folds one record of one of the four topics in. */
  public synchronized void accept(
      PipelineConfig c, String topic, String key, byte[] value, long nowMs) {
    if (value == null) {
      return;
    }
    try {
      if (topic.equals(c.imagesTopic())) {
        ImageEvent e = ImageEvent.parseFrom(value);
        images.put(key != null ? key : e.getId(), e);
      } else if (topic.equals(c.proxyLabelsTopic())) {
        label(ProxyLabel.parseFrom(value), nowMs);
      } else if (topic.equals(c.modelsTopic())) {
        ModelRelease r = ModelRelease.parseFrom(value);
        if (r.getName().equals(c.modelName())) {
          releases.put(
              r.getVersion(),
              new Release(
                  r.getVersion(), r.getCreatedMs(), r.getStep(), r.getMethod(), r.getMetricsMap()));
        }
      } else if (topic.equals(c.deadLettersTopic())) {
        DeadLetter d = DeadLetter.parseFrom(value);
        deadByReason.merge(d.getReason(), 1L, Long::sum);
        lastDead.addFirst(
            new String[] {
              d.getOriginalKey().toStringUtf8(), d.getStage(), d.getReason(), d.getDetail()
            });
        while (lastDead.size() > 10) {
          lastDead.removeLast();
        }
      }
    } catch (InvalidProtocolBufferException e) {
      // not ours to count: the pipeline dead-letters what it cannot read, and that dead letter
      // arrives here on its own
      unreadable++;
    }
  }

  private void label(ProxyLabel l, long nowMs) {
    labels++;
    Long before = labelledBy.get(l.getImageId());
    if (before == null || before < l.getModelVersion()) {
      labelledBy.put(l.getImageId(), l.getModelVersion());
      if (before != null) {
        imagesByVersion.merge(before, -1L, (a, b) -> a + b == 0 ? null : a + b);
      }
      imagesByVersion.merge(l.getModelVersion(), 1L, Long::sum);
    }
    int b = (int) ((nowMs / BUCKET_MS) % BUCKETS);
    long start = nowMs / BUCKET_MS * BUCKET_MS;
    if (bucketStart[b] != start) {
      bucketStart[b] = start;
      bucketCounts[b] = 0;
    }
    bucketCounts[b]++;
    ImageEvent e = images.remove(l.getImageId());
    if (e != null && !e.getPixelLabel().isEmpty()) {
      score(l, e);
    }
    // pictures are drawn when the page asks, for the few labels still shown: the feed reads a
    // long stretch of history at start and most of it is pushed out before anyone looks
    recent.addFirst(new Shown(l, e, new Card[1]));
    while (recent.size() > RECENT) {
      recent.removeLast();
    }
  }

  /** Adds the label against the image's pixel label to the confusion matrix of its release. */
  private void score(ProxyLabel l, ImageEvent e) {
    try {
      byte[] classMap =
          LabelPng.read(l.getClassPng().toByteArray(), DecodeLimits.defaults()).values();
      byte[] truth =
          PixelLabels.decode(
              e.getPixelLabel().toByteArray(),
              l.getWidth(),
              l.getHeight(),
              classNames.size(),
              DecodeLimits.defaults());
      quality
          .computeIfAbsent(l.getModelVersion(), v -> new ConfusionMatrix(classNames.size()))
          .add(classMap, truth);
    } catch (RuntimeException ex) {
      // the pipeline dead-letters bad pixel labels; a label without usable truth just is not scored
    }
  }

  /** A label still on the page, its image event (or null), and its card once drawn. */
  private record Shown(ProxyLabel label, ImageEvent event, Card[] drawn) {
    Card card() {
      if (drawn[0] == null) {
        drawn[0] = render(label, event);
      }
      return drawn[0];
    }
  }

  private static Card render(ProxyLabel l, ImageEvent e) {
    int w = l.getWidth();
    int h = l.getHeight();
    Dimension d = Overlays.shown(w, h);
    BufferedImage base = null;
    if (e != null) {
      try {
        base = Overlays.fit(Overlays.decode(e.getImage().toByteArray()), d.width, d.height);
      } catch (RuntimeException ex) {
        base = null;
      }
    }
    BufferedImage under =
        base != null ? base : new BufferedImage(d.width, d.height, BufferedImage.TYPE_INT_RGB);
    List<ClassView> views = new ArrayList<>();
    for (Map.Entry<String, ByteString> m : l.getSoftMasksMap().entrySet()) {
      byte[] soft = Overlays.sampled(Overlays.grey(m.getValue().toByteArray()), w, h, d);
      byte[] zones =
          Overlays.sampled(
              Overlays.grey(l.getTernaryMasksOrThrow(m.getKey()).toByteArray()), w, h, d);
      views.add(
          new ClassView(
              m.getKey(),
              Overlays.dataUri(Overlays.heatmap(under, soft, d.width, d.height)),
              Overlays.dataUri(LabelPng.writeGray(soft, d.width, d.height)),
              Overlays.dataUri(Overlays.zones(zones, d.width, d.height))));
    }
    return new Card(
        l.getImageId(),
        l.getModelVersion(),
        w,
        h,
        base == null ? null : Overlays.dataUri(base),
        Overlays.dataUri(Overlays.shownLabel(l.getClassPng().toByteArray(), w, h)),
        l.getUnrefinedClassPng().isEmpty()
            ? null
            : Overlays.dataUri(Overlays.shownLabel(l.getUnrefinedClassPng().toByteArray(), w, h)),
        l.getUnfusedClassPng().isEmpty()
            ? null
            : Overlays.dataUri(Overlays.shownLabel(l.getUnfusedClassPng().toByteArray(), w, h)),
        l.getUnfusedClassPng().isEmpty() ? null : l.getMaskModel(),
        views,
        l.getScoresMap());
  }

  public synchronized long labels() {
    return labels;
  }

  public synchronized long deadLetters() {
    return deadByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public synchronized int releases() {
    return releases.size();
  }

  /** The share of labels on the newest release, and the images still behind it. */
  public synchronized Freshness freshness() {
    long newest =
        Math.max(
            releases.isEmpty() ? 0 : releases.lastKey(),
            imagesByVersion.isEmpty() ? 0 : imagesByVersion.lastKey());
    return new Freshness(labelledBy.size(), newest, imagesByVersion.getOrDefault(newest, 0L));
  }

  /** The page's data. */
  public synchronized String json(long nowMs) {
    Freshness f = freshness();
    List<Card> cards = new ArrayList<>();
    for (Shown shown : recent) {
      cards.add(shown.card());
    }
    List<DashboardPage.Release> rs = new ArrayList<>();
    for (Release r : releases.values()) {
      ConfusionMatrix q = quality.get(r.version());
      // held-out validation of the trainer is absent from releases of older trainers
      rs.add(
          new DashboardPage.Release(
              r.version(),
              r.createdMs(),
              r.step(),
              r.method(),
              metric(r, "loss"),
              metric(r, "accuracy"),
              metric(r, Validation.EXACT_MATCH),
              metric(r, Validation.MEAN_AP),
              metric(r, Validation.FG_MIOU),
              q == null ? null : DashboardPage.figure(q.meanIou())));
    }
    double[] throughput = new double[BUCKETS];
    long newest = nowMs / BUCKET_MS * BUCKET_MS;
    for (int i = BUCKETS - 1; i >= 0; i--) {
      long start = newest - i * BUCKET_MS;
      int b = (int) ((start / BUCKET_MS) % BUCKETS);
      throughput[BUCKETS - 1 - i] =
          bucketStart[b] == start ? bucketCounts[b] * 1000.0 / BUCKET_MS : 0.0;
    }
    List<DashboardPage.DeadLetter> dead = new ArrayList<>();
    for (String[] d : lastDead) {
      dead.add(new DashboardPage.DeadLetter(d[0], d[1], d[2], d[3]));
    }
    return Json.write(
        new DashboardPage(
            labels,
            unreadable,
            new DashboardPage.Freshness(f.images(), f.newestVersion(), f.onNewest(), f.behind()),
            classNames,
            cards,
            rs,
            throughput,
            new TreeMap<>(deadByReason),
            dead));
  }

  private static Double metric(Release r, String key) {
    Double v = r.metrics().get(key);
    return v == null ? null : DashboardPage.figure(v);
  }
}
