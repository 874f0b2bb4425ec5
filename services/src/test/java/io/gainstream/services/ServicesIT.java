package io.gainstream.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.CollapseGuard;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.Method;
import io.gainstream.model.train.ReleaseGate;
import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.services.io.LabelExporter;
import io.gainstream.services.kafka.BrokerExtension;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.services.trainer.Checkpoints;
import io.gainstream.services.trainer.TrainerOptions;
import io.gainstream.services.trainer.TrainerService;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline and trainer services against a real broker. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServicesIT {
  @TempDir static Path tmp;
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();
  private static final List<String> CLASSES = SyntheticDataset.classNames(3);

  private static PipelineConfig config(String prefix, String model) {
    return new PipelineConfig(
        Map.of(
            PipelineConfig.CLASSES_CONFIG, String.join(",", CLASSES),
            PipelineConfig.MODEL_NAME_CONFIG, model,
            PipelineConfig.SAMPLE_RATE_CONFIG, 1.0,
            PipelineConfig.IMAGES_TOPIC_CONFIG, prefix + "images",
            PipelineConfig.MODELS_TOPIC_CONFIG, prefix + "models",
            PipelineConfig.PROXY_LABELS_TOPIC_CONFIG, prefix + "proxy-labels",
            PipelineConfig.TRAINING_SAMPLES_TOPIC_CONFIG, prefix + "training-samples",
            PipelineConfig.DEAD_LETTERS_TOPIC_CONFIG, prefix + "dead-letters"));
  }

  /** The config of one test, its topics (prefixed) created. */
  private static PipelineConfig topics(String prefix, String model, int partitions)
      throws Exception {
    PipelineConfig c = config(prefix, model);
    TopicSetup.ensure(kafka.connection(), c, partitions);
    return c;
  }

  private static TrainerOptions trainer(
      PipelineConfig c, long maxSteps, int releaseEvery, Path checkpoints) {
    return trainerBuilder(c, maxSteps, releaseEvery, checkpoints).build();
  }

  private static TrainerOptions.Builder trainerBuilder(
      PipelineConfig c, long maxSteps, int releaseEvery, Path checkpoints) {
    return TrainerOptions.builder(
            c,
            CLASSES,
            new NetworkSpec(64, 8, 3, 3),
            GainSettings.defaults(Method.CAM).withBatchSize(8))
        .releaseEvery(releaseEvery)
        .maxSteps(maxSteps)
        .startAfter(8, 1000)
        .checkpoints(new Checkpoints(checkpoints))
        .groupId("trainer-" + c.modelName())
        .guarding(
            new TrainerOptions.Guarding(
                0.1, CollapseGuard.Settings.defaults(), new ReleaseGate(0, 1)));
  }

  private static byte[] png(SyntheticDataset.Sample s) {
    return ImageBytes.encode(s.image(), "png");
  }

  private static void publish(
      KafkaConnection k, String topic, List<SyntheticDataset.Sample> samples, boolean garbageFirst)
      throws Exception {
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(k.producer())) {
      if (garbageFirst) {
        p.send(new ProducerRecord<>(topic, "garbage", new byte[] {(byte) 0xff, 0x13, 0x37})).get();
      }
      for (SyntheticDataset.Sample s : samples) {
        ImageEvent.Builder e =
            ImageEvent.newBuilder().setId(s.id()).setImage(ByteString.copyFrom(png(s)));
        for (int c : s.classes()) {
          e.addLabels(CLASSES.get(c - 1));
        }
        p.send(new ProducerRecord<>(topic, s.id(), e.build().toByteArray())).get();
      }
    }
  }

  private static List<ModelRelease> releases(KafkaConnection k, String topic) throws Exception {
    List<ModelRelease> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(k.consumer(null))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      while (c.position(tp) < end) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(ModelRelease.parseFrom(r.value()));
        }
      }
    }
    return out;
  }

  @Test
  void shouldTrainReleaseAndLabelThroughTheBrokerAndDeadLetterNonProtobufValues() throws Exception {
    PipelineConfig c = topics("a.", "model-a", 2);
    KafkaConnection k = kafka.connection();
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 30, 0.3, false, 0.9, 9));
    long started = System.currentTimeMillis();
    try (PipelineService p =
        new PipelineService(k, c, new PipelineService.Options("it-a", tmp.resolve("state-a"), 1))
            .start(Duration.ofMinutes(1))) {
      publish(k, c.imagesTopic(), samples, true);
      TrainerService t = new TrainerService(k, trainer(c, 40, 20, tmp.resolve("cp-a")), s -> {});
      t.run();
      assertThat(t.failure()).isEmpty();
      assertThat(t.publishedVersion()).isEqualTo(2);
      Set<String> ids = new HashSet<>();
      samples.forEach(s -> ids.add(s.id()));
      ids.add("garbage");
      LabelExporter.Collected got =
          LabelExporter.collect(
              k,
              c.proxyLabelsTopic(),
              c.deadLettersTopic(),
              ids,
              1,
              started,
              Duration.ofMinutes(2),
              n -> {},
              total -> {},
              LabelExporter.Watch.NONE);
      assertThat(got.labels()).hasSize(30);
      DeadLetter d = got.deadLetters().get("garbage");
      assertThat(d.getReason()).isEqualTo("NOT_PROTOBUF");
      assertThat(d.getTopic()).isEqualTo("a.images");
      assertThat(d.getOriginalValue().toByteArray()).containsExactly((byte) 0xff, 0x13, 0x37);
    }
  }

  @Test
  void shouldResumeFromItsNewestReleaseAfterARestartAndNeverGoBack() throws Exception {
    PipelineConfig c = topics("b.", "model-b", 1);
    KafkaConnection k = kafka.connection();
    List<SyntheticDataset.Sample> samples =
        // 24 at least: 8 held out to validate every release, twice as many to train on
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 30, 0.3, false, 0.9, 10));
    // the trainer reads samples directly from its topic here
    publish(k, c.trainingSamplesTopic(), samples, false);
    Path cp = tmp.resolve("cp-b");

    TrainerService first = new TrainerService(k, trainer(c, 20, 10, cp), s -> {});
    first.run();
    assertThat(first.publishedVersion()).isEqualTo(2);

    List<Long> stepsSeen = new ArrayList<>();
    TrainerService second =
        new TrainerService(k, trainer(c, 30, 10, cp), s -> stepsSeen.add(s.step()));
    second.run();
    assertThat(second.failure()).isEmpty();
    assertThat(stepsSeen)
        .as("resumed at step 20, trained to 30")
        .startsWith(21L)
        .endsWith(30L)
        .hasSize(10);
    List<ModelRelease> all = releases(k, c.modelsTopic());
    assertThat(all).extracting(ModelRelease::getVersion).containsExactly(1L, 2L, 3L);
    assertThat(all).extracting(ModelRelease::getStep).containsExactly(10L, 20L, 30L);
    assertThat(new Checkpoints(cp).newest())
        .hasValueSatisfying(x -> assertThat(x.version()).isEqualTo(3));
  }

  @Test
  void shouldStartAFreshStackFromAGivenReleaseOnceAndThenResumeFromItsOwn() throws Exception {
    PipelineConfig earlier = topics("i1.", "model-i1", 1);
    PipelineConfig fresh = topics("i2.", "model-i2", 1);
    KafkaConnection k = kafka.connection();
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 30, 0.3, false, 0.9, 12));
    publish(k, earlier.trainingSamplesTopic(), samples, false);
    publish(k, fresh.trainingSamplesTopic(), samples, false);
    TrainerService saved =
        new TrainerService(k, trainer(earlier, 20, 20, tmp.resolve("cp-i1")), s -> {});
    saved.run();
    byte[] init = new Checkpoints(tmp.resolve("cp-i1")).newest().orElseThrow().onnx();

    List<Long> stepsSeen = new ArrayList<>();
    Path cp = tmp.resolve("cp-i2");
    TrainerService started =
        new TrainerService(
            k, trainerBuilder(fresh, 30, 10, cp).init(init).build(), s -> stepsSeen.add(s.step()));
    started.run();
    assertThat(started.failure()).isEmpty();
    assertThat(stepsSeen)
        .as("started at the given release's step 20")
        .startsWith(21L)
        .endsWith(30L)
        .hasSize(10);
    assertThat(releases(k, fresh.modelsTopic()))
        .extracting(ModelRelease::getVersion)
        .containsExactly(1L);

    stepsSeen.clear();
    TrainerService restarted =
        new TrainerService(
            k, trainerBuilder(fresh, 40, 10, cp).init(init).build(), s -> stepsSeen.add(s.step()));
    restarted.run();
    assertThat(stepsSeen)
        .as("a restart resumes from its own release (step 30), not the file (step 20)")
        .startsWith(31L)
        .hasSize(10);
    assertThat(releases(k, fresh.modelsTopic()))
        .extracting(ModelRelease::getStep)
        .containsExactly(30L, 40L);
  }

  private static TrainerOptions trainer(
      PipelineConfig c,
      NetworkSpec spec,
      GainSettings settings,
      long maxSteps,
      int releaseEvery,
      int startAfter,
      Path checkpoints,
      TrainerOptions.Guarding guarding) {
    return TrainerOptions.builder(c, CLASSES, spec, settings)
        .releaseEvery(releaseEvery)
        .maxSteps(maxSteps)
        .startAfter(startAfter, 1000)
        .checkpoints(new Checkpoints(checkpoints))
        .groupId("trainer-" + c.modelName())
        .guarding(guarding)
        .build();
  }

  private static String metrics(TrainerService t) {
    return new String(t.prometheus().bytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void shouldHoldBackAWorseReleaseWhileThePipelineKeepsServingThePublishedOne() throws Exception {
    PipelineConfig c = topics("g.", "model-g", 1);
    KafkaConnection k = kafka.connection();
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 120, 0.3, false, 0.9, 21));
    NetworkSpec spec = new NetworkSpec(64, 8, 3, 3);
    TrainerOptions.Guarding guarding =
        new TrainerOptions.Guarding(
            0.25, CollapseGuard.Settings.defaults(), new ReleaseGate(0.6, 0.03));
    Path cp = tmp.resolve("cp-g");
    long started = System.currentTimeMillis();
    try (PipelineService p =
        new PipelineService(k, c, new PipelineService.Options("it-g", tmp.resolve("state-g"), 1))
            .start(Duration.ofMinutes(1))) {
      publish(k, c.imagesTopic(), samples, false);
      GainSettings cam = GainSettings.defaults(Method.CAM).withBatchSize(8);
      TrainerService good =
          new TrainerService(k, trainer(c, spec, cam, 300, 300, 120, cp, guarding), s -> {});
      good.run();
      assertThat(good.failure()).isEmpty();
      assertThat(good.publishedVersion())
          .as("a trained classifier passes the minimum")
          .isEqualTo(1);
      double goodMap = good.publishedFigures().meanAp();
      assertThat(goodMap).isGreaterThanOrEqualTo(0.6);

      // the same model trained on with a learning rate of 1: 30 steps wreck it
      GainSettings wrecking =
          new GainSettings(
              Method.CAM,
              cam.sigma(),
              cam.omega(),
              cam.alpha(),
              cam.omegaExt(),
              cam.warmupSteps(),
              cam.miningStartAccuracy(),
              1.0f,
              cam.weightDecay(),
              8,
              cam.seed(),
              cam.averaging(),
              cam.cutout());
      TrainerService bad =
          new TrainerService(k, trainer(c, spec, wrecking, 330, 30, 120, cp, guarding), s -> {});
      bad.run();
      assertThat(bad.failure()).isEmpty();
      assertThat(bad.heldBack()).as("releases held back").isEqualTo(1);
      assertThat(bad.lastHoldReason()).contains("< published");
      assertThat(bad.publishedVersion()).as("nothing new published").isEqualTo(1);
      assertThat(metrics(bad)).contains("gainstream_trainer_releases_held_back_total 1.0");
      assertThat(releases(k, c.modelsTopic()))
          .extracting(ModelRelease::getVersion)
          .containsExactly(1L);
      assertThat(releases(k, c.modelsTopic()).get(0).getMetricsMap())
          .containsKeys("val_exact_match", "val_map");

      SyntheticDataset.Sample late =
          SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 1, 0.3, false, 0.9, 22))
              .get(0);
      SyntheticDataset.Sample renamed =
          new SyntheticDataset.Sample("late-image", late.image(), late.classes(), late.mask());
      publish(k, c.imagesTopic(), List.of(renamed), false);
      LabelExporter.Collected got =
          LabelExporter.collect(
              k,
              c.proxyLabelsTopic(),
              c.deadLettersTopic(),
              Set.of("late-image"),
              1,
              started,
              Duration.ofMinutes(2),
              n -> {},
              total -> {},
              LabelExporter.Watch.NONE);
      assertThat(got.labels().get("late-image").getModelVersion())
          .as("labelled by the published release")
          .isEqualTo(1);
    }
  }

  @Test
  void shouldRollBackACollapseAndNeverPublishTheCollapsedWeights() throws Exception {
    PipelineConfig c = topics("h.", "model-h", 1);
    KafkaConnection k = kafka.connection();
    // the collapse of CollapseGuardTest, now through the service: alpha 100, mining from step 100
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 200, 0.35, false, 0.9, 3));
    publish(k, c.trainingSamplesTopic(), samples, false);
    GainSettings g =
        GainSettings.defaults(Method.GAIN).withSeed(1).withBatchSize(8).withWarmup(100, 0f);
    g = g.withMining(100f, g.sigma(), g.omega());
    TrainerOptions.Guarding guarding =
        new TrainerOptions.Guarding(0.2, CollapseGuard.Settings.defaults(), new ReleaseGate(0, 1));
    List<Long> steps = new ArrayList<>();
    TrainerService t =
        new TrainerService(
            k,
            trainer(
                c, new NetworkSpec(32, 8, 3, 3), g, 300, 100, 200, tmp.resolve("cp-h"), guarding),
            s -> steps.add(s.step()));
    t.run();
    assertThat(t.failure()).isEmpty();
    assertThat(steps).hasSize(300);
    assertThat(t.rollbacks()).as("collapses rolled back").isGreaterThanOrEqualTo(1);
    assertThat(metrics(t)).containsPattern("gainstream_trainer_rollbacks_total [1-9]");
    double baseline = t.miningBaseline().exactMatch();
    assertThat(baseline).as("held-out exact match when mining started").isGreaterThan(0.5);
    List<ModelRelease> all = releases(k, c.modelsTopic());
    assertThat(all).hasSize(3);
    for (ModelRelease r : all) {
      assertThat(r.getMetricsMap().get("val_exact_match"))
          .as("release %d", r.getVersion())
          .isGreaterThanOrEqualTo(baseline - 0.10);
    }
  }

  /**
   * The collapse above on 40 images: α 100 from step 100, 250 steps, one release at the end, with
   * the given collapse guard.
   */
  private TrainerService collapsingOnForty(String prefix, CollapseGuard.Settings guard)
      throws Exception {
    PipelineConfig c = topics(prefix + ".", "model-" + prefix, 1);
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(new SyntheticDataset.Spec(3, 64, 40, 0.35, false, 0.9, 3));
    publish(kafka.connection(), c.trainingSamplesTopic(), samples, false);
    GainSettings g =
        GainSettings.defaults(Method.GAIN).withSeed(1).withBatchSize(8).withWarmup(100, 0f);
    g = g.withMining(100f, g.sigma(), g.omega());
    TrainerService t =
        new TrainerService(
            kafka.connection(),
            trainer(
                c,
                new NetworkSpec(32, 8, 3, 3),
                g,
                250,
                250,
                40,
                tmp.resolve("cp-" + prefix),
                new TrainerOptions.Guarding(0.1, guard, new ReleaseGate(0, 1))),
            s -> {});
    t.run();
    assertThat(t.failure()).isEmpty();
    return t;
  }

  /**
   * A collapse guard too lenient to roll anything back: the mined weights validate worse than the
   * warm-up classifier, so the release is that classifier, validated on the 8 images the floor
   * holds out (10 % would be 4).
   */
  @Test
  void shouldReleaseTheWarmUpClassifierWhenTheMinedModelValidatesWorseOnFortyImages()
      throws Exception {
    CollapseGuard.Settings d = CollapseGuard.Settings.defaults();
    TrainerService t =
        collapsingOnForty(
            "w",
            new CollapseGuard.Settings(d.checkEvery(), 0.99, d.maxRollbacks(), d.minImages())
                .classificationOnly());
    assertThat(t.fallbacks()).isEqualTo(1);
    assertThat(t.rollbacks())
        .as("the guard let the collapse through: the fallback alone")
        .isEqualTo(1);
    assertThat(t.lastFallbackReason()).contains("against");
    ModelRelease r = releases(kafka.connection(), "w.models").get(0);
    assertThat(r.getMetricsMap().get("val_images")).as("held out by the floor").isEqualTo(8.0);
    assertThat(r.getMetricsMap().get("val_exact_match"))
        .as("the warm-up classifier's, not the collapsed one's")
        .isGreaterThanOrEqualTo(t.miningBaseline().exactMatch() - 1.0 / 8);
    assertThat(r.getMetricsMap()).containsKey("val_erased_drop");
  }

  /** The same collapse with the default guard: it judges on 40 images, and rolls back. */
  @Test
  void shouldCatchACollapseOnFortyImages() throws Exception {
    TrainerService t = collapsingOnForty("f", CollapseGuard.Settings.defaults());
    assertThat(t.miningBaseline()).as("the guard judged: 8 held out").isNotNull();
    assertThat(t.miningBaseline().images()).isEqualTo(8);
    assertThat(t.rollbacks()).isGreaterThanOrEqualTo(1);
    assertThat(releases(kafka.connection(), "f.models")).hasSize(1);
  }
}
