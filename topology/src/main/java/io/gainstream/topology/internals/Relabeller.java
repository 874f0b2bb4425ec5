package io.gainstream.topology.internals;

import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ImageDecoder;
import io.gainstream.proto.v1.IndexedImage;
import io.gainstream.proto.v1.PendingImage;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the attention stage re-labels when a newer release is promoted, and when it may.
 *
 * <p>Two changelogged stores of the task hold the state, so it survives a crash and moves with the
 * partition: {@code relabel-images} keeps each validated image's encoded bytes (written by the
 * validate stage), {@code label-versions} the release whose label is the image's newest on {@code
 * proxy-labels} (written in the transaction that forwards the label). An image is stale when its
 * version is below the session's. The queue of stale ids is Java memory only, rebuilt from {@code
 * label-versions} whenever the session's version differs from the one it was built for (after a
 * promotion, and after a restart), and every id is checked against the store again when taken: an
 * image that a new record labelled meanwhile is skipped.
 *
 * <p>The budget keeps re-labelling to a share of the stage's wall time: after a batch whose
 * re-labelled part took {@code d}, the next re-labelled image waits {@code d · (1 − share) /
 * share}. New images are never held back for it: they fill a batch first, re-labelled ones take the
 * slots left.
 */
final class Relabeller {
  private static final Logger LOG = LoggerFactory.getLogger(Relabeller.class);

  private final KeyValueStore<String, IndexedImage> images;
  private final KeyValueStore<String, Long> versions;
  private final DecodeLimits limits;
  private final double share;

  /** Whether pending images carry the encoded image for the mask model. */
  private final boolean keepImage;

  private final ArrayDeque<String> stale = new ArrayDeque<>();
  private long staleFor = -1;
  private long nextAllowedMs = Long.MIN_VALUE;

  Relabeller(
      KeyValueStore<String, IndexedImage> images,
      KeyValueStore<String, Long> versions,
      DecodeLimits limits,
      double share,
      boolean keepImage) {
    this.keepImage = keepImage;
    this.images = images;
    this.versions = versions;
    this.limits = limits;
    this.share = share;
  }

  /**
   * Whether the budget lets a batch take re-labelled images at {@code nowMs}, the stream thread's
   * wall clock (the processor context's, so that a test driver's clock drives it too).
   */
  boolean allowed(long nowMs) {
    return nowMs >= nextAllowedMs;
  }

  /**
   * Up to {@code max} stale images, decoded and resized to {@code size} for release {@code
   * version}; fewer (or none) when fewer are stale.
   */
  List<KeyValue<String, PendingImage>> take(
      int max, long version, int size, long nowMs, Predicate<String> waiting) {
    if (staleFor != version) {
      rebuild(version);
    }
    List<KeyValue<String, PendingImage>> out = new ArrayList<>(Math.min(max, stale.size()));
    while (out.size() < max && !stale.isEmpty()) {
      String id = stale.poll();
      Long labelledWith = versions.get(id);
      if (labelledWith == null || labelledWith >= version || waiting.test(id)) {
        // labelled since, or published again and waiting in the buffer: it gets its label there
        continue;
      }
      IndexedImage img = images.get(id);
      if (img == null) {
        // the image was withdrawn (a tombstone on images): nothing to re-label any more
        versions.delete(id);
        continue;
      }
      try {
        out.add(KeyValue.pair(id, pending(img, size, nowMs)));
      } catch (RuntimeException e) {
        // it decoded at validation; if it no longer does, it keeps its label and leaves the index
        LOG.error("cannot re-label {}: {}; it keeps its label of version {}", id, e, labelledWith);
        images.delete(id);
        versions.delete(id);
      }
    }
    return out;
  }

  /** Whether images may be older than {@code version} (the queue is rebuilt for it first). */
  boolean hasWork(long version) {
    if (staleFor != version) {
      rebuild(version);
    }
    return !stale.isEmpty();
  }

  /** Images still queued for the session's version (an upper bound: some may be fresh by now). */
  long backlog() {
    return stale.size();
  }

  /** The image's newest label is now {@code version}'s. */
  void labelled(String id, long version) {
    versions.put(id, version);
  }

  /**
   * A batch that started at {@code startMs} took {@code elapsedNs}, {@code relabelNs} of it for
   * re-labelled images: the next waits so that their share of the time holds.
   */
  void spent(long startMs, long elapsedNs, long relabelNs) {
    nextAllowedMs = startMs + (elapsedNs + (long) (relabelNs * (1 - share) / share)) / 1_000_000L;
  }

  private void rebuild(long version) {
    stale.clear();
    try (KeyValueIterator<String, Long> it = versions.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        if (kv.value != null && kv.value < version) {
          stale.add(kv.key);
        }
      }
    }
    staleFor = version;
    if (!stale.isEmpty()) {
      LOG.info("{} labelled images are older than release {}; re-labelling", stale.size(), version);
    }
  }

  private PendingImage pending(IndexedImage img, int size, long nowMs) {
    BufferedImage decoded = ImageDecoder.decodeRaw(img.getImage().toByteArray(), limits);
    PendingImage.Builder b = ValidateProcessor.boxed(decoded, size);
    if (keepImage) {
      b.setImage(img.getImage());
    }
    return b.setImageId(img.getImageId())
        .setSource(img.getSource())
        .addAllClasses(img.getClassesList())
        .setTimestampMs(img.getTimestampMs())
        .setSourceTopic(img.getSourceTopic())
        .setSourcePartition(img.getSourcePartition())
        .setSourceOffset(img.getSourceOffset())
        .setEnqueuedMs(nowMs)
        .build();
  }
}
