package io.gainstream.services.trainer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.InvalidInputException;
import io.gainstream.model.train.Example;
import io.gainstream.model.train.HeldOutSplit;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.services.kafka.KafkaConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's samples: reads {@code training-samples} into the replay buffer or the held-out set,
 * and decides when there are enough to start. The buffer is memory, so the feed starts far enough
 * back on the topic to refill it after a restart rather than continuing from a committed offset
 * with an empty buffer. A sample that cannot be decoded is skipped with a warning (the pipeline
 * dead-letters bad images before they are sampled).
 */
final class SampleFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SampleFeed.class);

  private final TrainerOptions o;
  private final KafkaConsumer<String, byte[]> consumer;
  private final SampleDecoder decoder;
  private final ReplayBuffer buffer;
  private final ReplayBuffer heldOut;
  private long lastArrival = System.currentTimeMillis();
  private boolean toldTooFew;

  SampleFeed(KafkaConnection kafka, TrainerOptions o, ReplayBuffer buffer, ReplayBuffer heldOut) {
    this.o = o;
    this.buffer = buffer;
    this.heldOut = heldOut;
    this.decoder =
        new SampleDecoder(new ClassCatalog(o.classes()), o.limits(), o.spec().inputSize());
    Map<String, Object> props = kafka.consumer(null);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, o.groupId());
    this.consumer = new KafkaConsumer<>(props);
  }

  /** Positions the feed the replay buffer's capacity back from the end of every partition. */
  void rewind() {
    List<TopicPartition> parts =
        consumer.partitionsFor(o.samplesTopic(), Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(parts);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
    long perPartition = (o.replayCapacity() + parts.size() - 1) / parts.size();
    for (TopicPartition tp : parts) {
      consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - perPartition));
    }
    lastArrival = System.currentTimeMillis();
  }

  /**
   * Reads what has arrived; each sample goes to the held-out set or the buffer by {@code split}.
   */
  void poll(Duration timeout, HeldOutSplit.Split split) {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
      try {
        Example e = decoder.decode(ImageEvent.parseFrom(r.value()));
        (split.heldOut(e.id()) ? heldOut : buffer).add(e);
        lastArrival = System.currentTimeMillis();
      } catch (InvalidProtocolBufferException | InvalidInputException e) {
        LOG.warn("skipping training sample {}: {}", r.key(), e.getMessage());
      }
    }
  }

  /**
   * Whether training can start now: enough samples ({@code startAfterSamples}, or some and no new
   * ones for {@code startAfterIdleMs}) and enough to hold out a judgeable set. When it can, the
   * held-out images are moved out of the buffer and the split they were chosen by is returned
   * ({@code resumed} when the run resumed a release trained under it: its weights must not be
   * validated on images they trained on). A bounded run that will get no more samples fails.
   */
  Optional<HeldOutSplit.Split> start(HeldOutSplit.Split resumed) {
    boolean idle =
        buffer.size() > 0 && System.currentTimeMillis() - lastArrival >= o.startAfterIdleMs();
    boolean enough = buffer.size() + heldOut.size() >= o.startAfterSamples() || idle;
    int judge = o.guarding().guard().minImages();
    int n = buffer.size() + heldOut.size();
    if (enough && !HeldOutSplit.judgeable(n, judge)) {
      String why =
          n
              + " samples cannot train and validate a release: "
              + 3 * judge
              + " needed ("
              + judge
              + " held out, twice as many to train on)";
      if (o.maxSteps() > 0
          && System.currentTimeMillis() - lastArrival >= 10 * o.startAfterIdleMs()) {
        throw new IllegalStateException(why); // a bounded run (label) gets no more
      }
      if (!toldTooFew) {
        LOG.warn("waiting for samples: {}", why);
        toldTooFew = true;
      }
      return Optional.empty();
    }
    if (buffer.size() == 0 || !enough) {
      return Optional.empty();
    }
    // hold out enough to judge, whatever the share gave (HeldOutSplit)
    List<Example> all = new ArrayList<>(buffer.all());
    all.addAll(heldOut.all());
    HeldOutSplit.Split chosen =
        resumed != null ? resumed : HeldOutSplit.choose(all, o.guarding().heldOutShare(), judge);
    buffer
        .take(all.stream().map(Example::id).filter(chosen::heldOut).collect(Collectors.toSet()))
        .forEach(heldOut::add);
    buffer.sortById();
    heldOut.sortById();
    LOG.info(
        "training {} on {} buffered samples, {} held out for validation",
        o.settings().method(),
        buffer.size(),
        heldOut.size());
    return Optional.of(chosen);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
