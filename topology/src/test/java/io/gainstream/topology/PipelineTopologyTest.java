package io.gainstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ExifJpegs;
import io.gainstream.model.labels.AttentionWindow;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.labels.MaskFusion;
import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.release.LabelRecipe;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.proto.v1.DeadLetter;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.proto.v1.ProxyLabel;
import io.gainstream.topology.internals.ModelSessions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every branch of the production topology, driven by {@link TopologyTestDriver} with real ONNX
 * models.
 */
class PipelineTopologyTest {
  @TempDir Path stateDir;

  /** Drivers started by this test: each gets a state directory of its own. */
  private int runs;

  private TopologyTestDriver driver;
  private TestInputTopic<String, ImageEvent> images;
  private TestInputTopic<String, ModelRelease> models;
  private TestOutputTopic<String, ProxyLabel> labels;
  private TestOutputTopic<String, ImageEvent> samples;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private final ModelSessions sessions = new ModelSessions();
  private final PipelineMetrics metrics = new PipelineMetrics();

  private void start(Map<String, Object> overrides) {
    Map<String, Object> c = new HashMap<>();
    c.put(PipelineConfig.CLASSES_CONFIG, String.join(",", TestReleases.CLASSES));
    c.put(PipelineConfig.INPUT_SIZE_CONFIG, TestReleases.SIZE);
    c.put(PipelineConfig.BATCH_MAX_SIZE_CONFIG, 4);
    // full batches from the first: these tests are about flushing, swapping and re-labelling; the
    // sizing from measured cost is BatchSizerTest's and SlowModelLabelIT's
    c.put(PipelineConfig.BATCH_START_SIZE_CONFIG, 4);
    c.put(PipelineConfig.BATCH_MAX_WAIT_MS_CONFIG, 1000L);
    c.put(PipelineConfig.SAMPLE_RATE_CONFIG, 0.0);
    c.putAll(overrides);
    PipelineConfig config = new PipelineConfig(c);
    Properties props = new Properties();
    props.putAll(StreamsSettings.pipeline(config));
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "pipeline-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("run-" + runs++).toString());
    driver = new TopologyTestDriver(PipelineTopology.build(config, sessions, metrics), props);
    Topics t = Topics.of(config);
    images =
        driver.createInputTopic(
            t.images().name(), new StringSerializer(), t.images().valueSerde().serializer());
    models =
        driver.createInputTopic(
            t.models().name(), new StringSerializer(), t.models().valueSerde().serializer());
    labels =
        driver.createOutputTopic(
            t.proxyLabels().name(),
            new StringDeserializer(),
            t.proxyLabels().valueSerde().deserializer());
    samples =
        driver.createOutputTopic(
            t.trainingSamples().name(),
            new StringDeserializer(),
            t.trainingSamples().valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            t.deadLetters().name(),
            new StringDeserializer(),
            t.deadLetters().valueSerde().deserializer());
  }

  private void start() {
    start(Map.of());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
    assertThat(sessions.openSessions()).as("every session closed with its tasks").isZero();
  }

  private void publish(List<SyntheticDataset.Sample> batch) {
    for (SyntheticDataset.Sample s : batch) {
      images.pipeInput(s.id(), TestReleases.event(s));
    }
  }

  @Test
  void shouldHoldImagesUntilAReleaseExistsThenLabelThemAll() {
    start();
    List<SyntheticDataset.Sample> batch = TestReleases.samples(3, 1);
    publish(batch);
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    assertThat(labels.isEmpty()).as("no model yet: images wait").isTrue();

    models.pipeInput("gain", TestReleases.release(1));
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    Map<String, ProxyLabel> out = labels.readKeyValuesToMap();
    assertThat(out).containsOnlyKeys(batch.stream().map(SyntheticDataset.Sample::id).toList());
    for (SyntheticDataset.Sample s : batch) {
      ProxyLabel l = out.get(s.id());
      assertThat(l.getModelVersion()).isEqualTo(1);
      assertThat(l.getWidth()).isEqualTo(48);
      LabelPng.Decoded png = LabelPng.read(l.getClassPng().toByteArray(), DecodeLimits.defaults());
      assertThat(png.width()).isEqualTo(48);
      assertThat(png.palette()).isTrue();
      List<Integer> allowed = new java.util.ArrayList<>(List.of(0, 255));
      Arrays.stream(s.classes()).forEach(allowed::add);
      for (byte v : png.values()) {
        assertThat(v & 0xff).isIn(allowed);
      }
      assertThat(l.getSoftMasksMap()).hasSize(s.classes().length);
      assertThat(l.getTernaryMasksMap()).hasSize(s.classes().length);
      assertThat(l.getScoresMap()).containsOnlyKeys(TestReleases.CLASSES);
    }
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldFlushAFullBatchAtOnceAndAPartialOneAfterMaxWait() {
    start(Map.of(PipelineConfig.BATCH_MAX_WAIT_MS_CONFIG, 60_000L));
    models.pipeInput("gain", TestReleases.release(1));
    List<SyntheticDataset.Sample> batch = TestReleases.samples(7, 2);
    publish(batch.subList(0, 4));
    assertThat(labels.getQueueSize()).as("a full batch flushes without waiting").isEqualTo(4);
    labels.readValuesToList();
    publish(batch.subList(4, 7));
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    assertThat(labels.isEmpty()).as("partial batch still within max wait").isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(31));
    assertThat(labels.getQueueSize()).isEqualTo(3);
  }

  @Test
  void shouldHotSwapToNewerReleasesBetweenBatchesAndNeverGoBack() {
    // the swap itself: re-labelling the first images with release 2 is the tests below
    start(Map.of(PipelineConfig.RELABEL_ENABLED_CONFIG, false));
    models.pipeInput("gain", TestReleases.release(1));
    List<SyntheticDataset.Sample> batch = TestReleases.samples(12, 3);
    publish(batch.subList(0, 4));
    models.pipeInput("gain", TestReleases.release(2));
    publish(batch.subList(4, 8));
    models.pipeInput("gain", TestReleases.release(1, 99, TestReleases.CLASSES, TestReleases.SIZE));
    publish(batch.subList(8, 12));
    List<Long> versions =
        labels.readValuesToList().stream().map(ProxyLabel::getModelVersion).toList();
    assertThat(versions).containsExactly(1L, 1L, 1L, 1L, 2L, 2L, 2L, 2L, 2L, 2L, 2L, 2L);
    assertThat(metrics.snapshot().modelVersion()).isEqualTo(2L);
    assertThat(metrics.snapshot().batchSizes()).containsExactly(Map.entry(4, 3L));
    assertThat(sessions.openSessions())
        .as("the old session was closed after the swap")
        .isEqualTo(1);
  }

  /**
   * Lets the wall clock run for {@code seconds} in steps of 300 ms: the driver fires a wall-clock
   * punctuator once per advance, however far it goes.
   */
  private void run(int seconds) {
    for (int i = 0; i < seconds * 10 / 3; i++) {
      driver.advanceWallClockTime(Duration.ofMillis(300));
    }
  }

  /** Labels written since the last read, by image id, in the order they came. */
  private Map<String, List<Long>> versionsRead() {
    Map<String, List<Long>> out = new java.util.TreeMap<>();
    for (var kv : labels.readKeyValuesToList()) {
      out.computeIfAbsent(kv.key, k -> new java.util.ArrayList<>()).add(kv.value.getModelVersion());
    }
    return out;
  }

  @Test
  void shouldRelabelEveryImageWithEachNewlyPromotedRelease() {
    start();
    models.pipeInput("gain", TestReleases.release(1));
    List<SyntheticDataset.Sample> batch = TestReleases.samples(10, 11);
    List<String> ids = batch.stream().map(SyntheticDataset.Sample::id).toList();
    publish(batch);
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    assertThat(versionsRead())
        .containsOnlyKeys(ids)
        .allSatisfy((id, v) -> assertThat(v).containsExactly(1L));

    for (long version = 2; version <= 3; version++) {
      models.pipeInput("gain", TestReleases.release(version));
      run(10);
      long v = version;
      assertThat(versionsRead())
          .as("every image once more, with release %d, and only once", v)
          .containsOnlyKeys(ids)
          .allSatisfy((id, got) -> assertThat(got).containsExactly(v));
      assertThat(metrics.relabelBacklog()).isZero();
    }
    assertThat(metrics.relabelledTotal()).isEqualTo(20);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldSendNewImagesAheadOfTheirMaxWaitWhileRelabellingAndNotRelabelThemTwice() {
    start(); // batches of 4, max wait 1 s
    models.pipeInput("gain", TestReleases.release(1));
    List<SyntheticDataset.Sample> batch = TestReleases.samples(14, 12);
    publish(batch.subList(0, 12));
    versionsRead();
    models.pipeInput("gain", TestReleases.release(2));
    // two new images: under the max wait they would sit for a second; with a backlog to fill the
    // batch they go at the next punctuation (every 250 ms), two old images beside them
    publish(batch.subList(12, 14));
    driver.advanceWallClockTime(Duration.ofMillis(260));
    Map<String, List<Long>> first = versionsRead();
    assertThat(first)
        .containsKeys(batch.get(12).id(), batch.get(13).id())
        .hasSize(4)
        .allSatisfy((id, v) -> assertThat(v).containsExactly(2L));
    run(10);
    Map<String, List<Long>> rest = versionsRead();
    assertThat(rest).hasSize(10).doesNotContainKeys(first.keySet().toArray(String[]::new));
    assertThat(rest.values()).allSatisfy(v -> assertThat(v).containsExactly(2L));
  }

  @Test
  void shouldHoldTheNextRelabelledImagesBackUntilTheBudgetAllows() {
    start(Map.of(PipelineConfig.RELABEL_MAX_SHARE_CONFIG, 0.01));
    models.pipeInput("gain", TestReleases.release(1));
    List<SyntheticDataset.Sample> batch = TestReleases.samples(16, 16);
    publish(batch.subList(0, 12));
    versionsRead();
    models.pipeInput("gain", TestReleases.release(2));
    driver.advanceWallClockTime(Duration.ofMillis(260));
    assertThat(versionsRead()).as("one batch of the backlog").hasSize(4);
    // the driver's clock stands still now: a full batch of new images goes at once, and at a 1 %
    // share the budget holds the backlog back (99 times what the first batch took)
    publish(batch.subList(12, 16));
    assertThat(versionsRead())
        .as("only the new images")
        .containsOnlyKeys(batch.subList(12, 16).stream().map(SyntheticDataset.Sample::id).toList());
  }

  @Test
  void shouldNotRelabelWhenTheSettingIsOffOrTheImageWasWithdrawn() {
    start(Map.of(PipelineConfig.RELABEL_ENABLED_CONFIG, false));
    models.pipeInput("gain", TestReleases.release(1));
    publish(TestReleases.samples(4, 14));
    versionsRead();
    models.pipeInput("gain", TestReleases.release(2));
    run(10);
    assertThat(labels.isEmpty()).as("re-labelling is off").isTrue();
    driver.close();

    start();
    models.pipeInput("gain", TestReleases.release(1));
    List<SyntheticDataset.Sample> batch = TestReleases.samples(4, 15);
    publish(batch);
    versionsRead();
    images.pipeInput(batch.get(0).id(), (ImageEvent) null);
    models.pipeInput("gain", TestReleases.release(2));
    run(10);
    assertThat(versionsRead())
        .as("a tombstone withdraws the image from re-labelling")
        .containsOnlyKeys(batch.get(1).id(), batch.get(2).id(), batch.get(3).id());
  }

  @Test
  void shouldTakeTheInputSizeFromTheReleaseNotFromItsConfig() {
    start(); // gainstream.input.size = 32
    List<SyntheticDataset.Sample> batch = TestReleases.samples(4, 6);
    publish(batch.subList(0, 2)); // validated before any release: resized to the configured 32
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    models.pipeInput("gain", TestReleases.release(1, 1, TestReleases.CLASSES, 64));
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    publish(batch.subList(2, 4)); // validated under the 64-pixel release: resized to 64
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    Map<String, ProxyLabel> out = labels.readKeyValuesToMap();
    assertThat(out).containsOnlyKeys(batch.stream().map(SyntheticDataset.Sample::id).toList());
    assertThat(out.values()).extracting(ProxyLabel::getModelVersion).containsOnly(1L);
    assertThat(out.values()).extracting(ProxyLabel::getWidth).containsOnly(48);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  /** Share of a label's pixels that are background (0) or ignore (255). */
  private static double unlabelled(ProxyLabel l) {
    byte[] v = LabelPng.read(l.getClassPng().toByteArray(), DecodeLimits.defaults()).values();
    long n = 0;
    for (byte b : v) {
      n += b == 0 || b == (byte) 255 ? 1 : 0;
    }
    return (double) n / v.length;
  }

  /**
   * Two images with one class each, and a release naming thresholds of 0 (every pixel of the class
   * is confident).
   */
  private List<SyntheticDataset.Sample> publishUnderZeroThresholds() {
    List<SyntheticDataset.Sample> one =
        TestReleases.samples(8, 8).stream().filter(s -> s.classes().length == 1).limit(2).toList();
    assertThat(one).hasSize(2);
    models.pipeInput(
        "gain",
        TestReleases.release(
            1,
            1,
            TestReleases.CLASSES,
            TestReleases.SIZE,
            new LabelRecipe.Named(
                    Optional.of(new ProxyLabels.Thresholds(0f, 0f)),
                    Optional.empty(),
                    Optional.empty())
                .toExtra()));
    publish(one);
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    return one;
  }

  @Test
  void shouldLabelWithTheThresholdsTheReleaseNames() {
    start();
    publishUnderZeroThresholds();
    assertThat(labels.readValuesToList())
        .hasSize(2)
        .allSatisfy(l -> assertThat(unlabelled(l)).isZero());
  }

  @Test
  void shouldLabelWithTheThresholdsOfTheSettingsWhenTheyAreSet() {
    // thresholds of 1: only each map's peak is confident, nearly everything is background
    start(
        Map.of(
            PipelineConfig.FOREGROUND_THRESHOLD_CONFIG,
            1.0,
            PipelineConfig.BACKGROUND_THRESHOLD_CONFIG,
            1.0));
    publishUnderZeroThresholds();
    assertThat(labels.readValuesToList())
        .hasSize(2)
        .allSatisfy(l -> assertThat(unlabelled(l)).isGreaterThan(0.9));
  }

  private List<SyntheticDataset.Sample> publishUnderARefiningRelease() {
    return publishUnderARefiningRelease(io.gainstream.model.labels.CrfRefiner.CRF);
  }

  /** Two images labelled by a release that names {@code refine}. */
  private List<SyntheticDataset.Sample> publishUnderARefiningRelease(String refine) {
    List<SyntheticDataset.Sample> two = TestReleases.samples(2, 9);
    models.pipeInput(
        "gain",
        TestReleases.release(
            1,
            1,
            TestReleases.CLASSES,
            TestReleases.SIZE,
            Map.of(LabelRecipe.Named.REFINE_KEY, refine)));
    publish(two);
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    return two;
  }

  /**
   * A release that names the CRF gets refined labels, each with the label before refinement beside
   * it.
   */
  @Test
  void shouldRefineTheLabelsWhenTheReleaseNamesTheCrf() {
    start();
    publishUnderARefiningRelease();
    List<ProxyLabel> out = labels.readValuesToList();
    assertThat(out)
        .hasSize(2)
        .allSatisfy(
            l -> {
              assertThat(l.getUnrefinedClassPng().isEmpty()).isFalse();
              byte[] refined =
                  LabelPng.read(l.getClassPng().toByteArray(), DecodeLimits.defaults()).values();
              assertThat(refined).hasSize(l.getWidth() * l.getHeight());
              // the CRF labels every pixel (confidence 0): no 255 left
              for (byte b : refined) {
                assertThat(b).isNotEqualTo((byte) 255);
              }
            });
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  /** How the default second look describes itself in a label. */
  private static final String ZOOM = AttentionWindow.Settings.defaults().describe();

  /** The labels of a batch under a mask model that gives {@code sigmoid(logit)} everywhere. */
  private Map<String, ProxyLabel> labelsUnderAConstantMaskModel(
      float logit, List<SyntheticDataset.Sample> batch) throws Exception {
    return labelsUnderAConstantMaskModel(logit, batch, MaskFusion.Settings.defaults().rule());
  }

  private Map<String, ProxyLabel> labelsUnderAConstantMaskModel(
      float logit, List<SyntheticDataset.Sample> batch, MaskFusion.Rule rule) throws Exception {
    Path file =
        java.nio.file.Files.write(
            stateDir.resolve("mask.onnx"),
            io.gainstream.model.onnx.TestMaskModels.constant(16, logit));
    start(
        Map.of(
            PipelineConfig.MASK_MODEL_FILE_CONFIG,
            file.toString(),
            PipelineConfig.MASK_FUSION_CONFIG,
            rule.id()));
    publish(batch);
    models.pipeInput("gain", TestReleases.release(1));
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    Map<String, ProxyLabel> out = labels.readKeyValuesToMap();
    assertThat(out).hasSize(batch.size());
    assertThat(deadLetters.isEmpty()).isTrue();
    for (ProxyLabel l : out.values()) {
      assertThat(l.getMaskModel()).matches("mask\\.onnx@[0-9a-f]{12}");
      assertThat(l.getFusion())
          .isEqualTo(MaskFusion.Settings.defaults().withRule(rule).describe() + ", " + ZOOM);
      assertThat(l.getUnfusedClassPng().isEmpty()).as("the attention's label beside").isFalse();
    }
    return out;
  }

  /**
   * With the animal check on and a classifier that sees no animal anywhere, every region of the
   * animal class goes to 255 (the mask model calls every pixel foreground, so each labelled image
   * has such a region); the other classes stay; every label records the check and its classifier's
   * hash next to the fusion.
   */
  @Test
  void shouldRecordTheAnimalCheckInEveryFusedLabel() throws Exception {
    Path mask =
        java.nio.file.Files.write(
            stateDir.resolve("mask.onnx"),
            io.gainstream.model.onnx.TestMaskModels.constant(16, 8f));
    Path classifier =
        java.nio.file.Files.write(
            stateDir.resolve("imagenet.onnx"),
            io.gainstream.model.onnx.TestClassifiers.neverAnimal(32));
    start(
        Map.of(
            PipelineConfig.MASK_MODEL_FILE_CONFIG,
            mask.toString(),
            PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG,
            classifier.toString(),
            PipelineConfig.MASK_CHECK_CLASSES_CONFIG,
            TestReleases.CLASSES.get(1)));
    List<SyntheticDataset.Sample> batch = TestReleases.samples(4, 5);
    publish(batch);
    models.pipeInput("gain", TestReleases.release(1));
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    Map<String, ProxyLabel> out = labels.readKeyValuesToMap();
    assertThat(out).hasSize(batch.size());
    assertThat(deadLetters.isEmpty()).isTrue();
    for (ProxyLabel l : out.values()) {
      assertThat(l.getFusion())
          .startsWith(MaskFusion.Settings.defaults().describe() + ", " + ZOOM + ", ")
          .containsPattern(
              "check\\(animal classes \\["
                  + TestReleases.CLASSES.get(1)
                  + "\\], region < 0\\.10\\) by imagenet\\.onnx@[0-9a-f]{12}$");
      assertThat(l.getUnfusedClassPng().isEmpty()).isFalse();
    }
    int animal = 2; // TestReleases.CLASSES.get(1)
    int checked = 0;
    for (SyntheticDataset.Sample smp : batch) {
      byte[] fused = values(out.get(smp.id()).getClassPng());
      for (byte v : fused) {
        assertThat(v & 0xff).as("no pixel of the animal class survives").isNotEqualTo(animal);
      }
      if (Arrays.stream(smp.classes()).anyMatch(c -> c == animal)) {
        checked++;
        assertThat(box(fused)).as("its region went to 255").contains((byte) 255);
      }
    }
    assertThat(checked).as("the batch labels the animal class somewhere").isPositive();
  }

  private static byte[] values(ByteString png) {
    return LabelPng.read(png.toByteArray(), DecodeLimits.defaults()).values();
  }

  /**
   * A mask model that calls the whole image foreground makes one region: it takes the class the
   * attention votes for (an unattended one would be 255), never background.
   */
  @Test
  void shouldFuseAForegroundEverywhereIntoOneRegionPerImage() throws Exception {
    List<SyntheticDataset.Sample> batch = TestReleases.samples(4, 5);
    Map<String, ProxyLabel> out = labelsUnderAConstantMaskModel(8f, batch);
    for (SyntheticDataset.Sample s : batch) {
      byte[] fused = values(out.get(s.id()).getClassPng());
      List<Integer> allowed = new java.util.ArrayList<>(List.of(255));
      Arrays.stream(s.classes()).forEach(allowed::add);
      for (byte v : fused) {
        assertThat(v & 0xff).isIn(s.classes().length == 0 ? List.of(0) : allowed);
      }
      if (s.classes().length == 1) {
        assertThat(new java.util.HashSet<>(java.util.Arrays.asList(box(fused))))
            .as("one region, one class")
            .hasSize(1);
      }
    }
  }

  private static Byte[] box(byte[] b) {
    Byte[] out = new Byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i];
    }
    return out;
  }

  /**
   * Under the default rule a mask model that finds nothing, not even faintly, leaves nothing to
   * label: background everywhere, the attention's label still beside it.
   */
  @Test
  void shouldLabelBackgroundWhereTheMaskModelFindsNothingAtAll() throws Exception {
    List<SyntheticDataset.Sample> batch = TestReleases.samples(4, 6);
    Map<String, ProxyLabel> out = labelsUnderAConstantMaskModel(-8f, batch);
    for (SyntheticDataset.Sample s : batch) {
      ProxyLabel l = out.get(s.id());
      assertThat(values(l.getClassPng())).containsOnly((byte) 0);
      assertThat(l.getUnfusedClassPng().isEmpty()).isFalse();
    }
  }

  /**
   * Under the regions rule a mask model that finds no object leaves the attention's label where it
   * names a class (an object the mask model missed), and background elsewhere.
   */
  @Test
  void shouldKeepTheAttentionsLabelUnderRegionsWhereTheMaskModelFindsNothing() throws Exception {
    List<SyntheticDataset.Sample> batch = TestReleases.samples(4, 6);
    Map<String, ProxyLabel> out =
        labelsUnderAConstantMaskModel(-8f, batch, MaskFusion.Rule.REGIONS);
    for (SyntheticDataset.Sample s : batch) {
      ProxyLabel l = out.get(s.id());
      byte[] unfused = values(l.getUnfusedClassPng());
      byte[] expected = unfused.clone();
      for (int p = 0; p < expected.length; p++) {
        int k = expected[p] & 0xff;
        if (Arrays.stream(s.classes()).noneMatch(c -> c == k)) {
          expected[p] = 0;
        }
      }
      assertThat(values(l.getClassPng())).isEqualTo(expected);
    }
  }

  @Test
  void shouldNotRefineWhenTheSettingsSayNone() {
    start(Map.of(PipelineConfig.REFINE_CONFIG, "none"));
    publishUnderARefiningRelease();
    assertThat(labels.readValuesToList())
        .hasSize(2)
        .allSatisfy(l -> assertThat(l.getUnrefinedClassPng().isEmpty()).isTrue());
  }

  /**
   * A release naming the random walk gets walked labels: every pixel labelled, the thresholded
   * label beside it.
   */
  @Test
  void shouldRefineByTheRandomWalkWhenTheReleaseNamesIt() {
    start();
    publishUnderARefiningRelease(io.gainstream.model.labels.WalkRefiner.WALK);
    List<ProxyLabel> walked = labels.readValuesToList();
    assertThat(walked)
        .hasSize(2)
        .allSatisfy(
            l -> {
              assertThat(l.getUnrefinedClassPng().isEmpty()).isFalse();
              byte[] v =
                  LabelPng.read(l.getClassPng().toByteArray(), DecodeLimits.defaults()).values();
              assertThat(v).hasSize(l.getWidth() * l.getHeight()).doesNotContain((byte) 255);
            });
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldRefineWhenTheSettingsSayCrfWhateverTheRelease() {
    start(Map.of(PipelineConfig.REFINE_CONFIG, "crf"));
    models.pipeInput("gain", TestReleases.release(1));
    publish(TestReleases.samples(2, 10));
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    assertThat(labels.readValuesToList())
        .hasSize(2)
        .allSatisfy(l -> assertThat(l.getUnrefinedClassPng().isEmpty()).isFalse());
  }

  /**
   * Soft masks per image under a release naming {@code extra}, with {@code overrides}; sessions
   * open while it ran.
   */
  private Map<String, Map<String, com.google.protobuf.ByteString>> softMasksUnder(
      Map<String, String> extra, Map<String, Object> overrides, int[] openSessions) {
    start(overrides);
    models.pipeInput(
        "gain", TestReleases.release(1, 1, TestReleases.CLASSES, TestReleases.SIZE, extra));
    publish(TestReleases.samples(3, 12));
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    openSessions[0] = sessions.openSessions();
    Map<String, Map<String, com.google.protobuf.ByteString>> out = new HashMap<>();
    labels.readKeyValuesToMap().forEach((k, l) -> out.put(k, l.getSoftMasksMap()));
    assertThat(out).hasSize(3);
    assertThat(deadLetters.isEmpty()).isTrue();
    close();
    driver = null;
    return out;
  }

  /**
   * A release naming test-time scales is labelled at each (one more session per scale); the
   * settings win over it.
   */
  @Test
  void shouldFuseTheScalesTheReleaseNamesUnlessTheSettingsSayOtherwise() {
    Map<String, String> twoScales = Map.of(LabelRecipe.Named.SCALES_KEY, "1,2");
    int[] open = new int[1];
    var single = softMasksUnder(Map.of(), Map.of(), open);
    assertThat(open[0]).isEqualTo(1);
    var named = softMasksUnder(twoScales, Map.of(), open);
    assertThat(open[0]).as("the release and its 2x copy").isEqualTo(2);
    var set = softMasksUnder(Map.of(), Map.of(PipelineConfig.TTA_SCALES_CONFIG, "1,2"), open);
    assertThat(open[0]).isEqualTo(2);
    var overruled = softMasksUnder(twoScales, Map.of(PipelineConfig.TTA_SCALES_CONFIG, "1"), open);
    assertThat(open[0]).isEqualTo(1);
    assertThat(named).isEqualTo(set).isNotEqualTo(single);
    assertThat(overruled).isEqualTo(single);
  }

  @Test
  void shouldRefuseBadScalesInTheSettingsWithOneLine() {
    assertThatThrownBy(() -> start(Map.of(PipelineConfig.TTA_SCALES_CONFIG, "2,3")))
        .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
        .hasMessageContaining("gainstream.tta.scales")
        .hasMessageContaining("must include 1");
  }

  @Test
  void shouldRefuseAReleaseWithOtherClassesAndKeepWaiting() {
    assertRefusedUntilAGoodRelease(
        TestReleases.release(1, 1, List.of("cat", "dog", "boat"), TestReleases.SIZE));
  }

  /**
   * The recipe comes from the model; the message's side and classes are only a header for the
   * validation stage. A release whose header says something else is refused, not half-believed.
   */
  @Test
  void shouldRefuseAReleaseWhoseMessageDisagreesWithItsModel() {
    assertRefusedUntilAGoodRelease(
        TestReleases.release(1).toBuilder()
            .setInputHeight(TestReleases.SIZE * 2)
            .setInputWidth(TestReleases.SIZE * 2)
            .build());
  }

  /** Images wait under a refused release and are all labelled by the next good one. */
  private void assertRefusedUntilAGoodRelease(ModelRelease refused) {
    start();
    models.pipeInput("gain", refused);
    publish(TestReleases.samples(2, 4));
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    assertThat(labels.isEmpty()).isTrue();
    models.pipeInput("gain", TestReleases.release(2));
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    assertThat(labels.readValuesToList())
        .extracting(ProxyLabel::getModelVersion)
        .containsExactly(2L, 2L);
  }

  @Test
  void shouldDeadLetterBadInputsWithTheirReasonAndKeepLabellingGoodOnes() {
    start();
    models.pipeInput("gain", TestReleases.release(1));
    SyntheticDataset.Sample good = TestReleases.samples(1, 5).get(0);
    ImageEvent ok = TestReleases.event(good);
    byte[] png = ok.getImage().toByteArray();

    // (values that are not Protobuf: DeadLetterHandlersTest, and the broker integration test —
    // TopologyTestDriver does not capture dead letters returned by a deserialization handler)
    images.pipeInput(
        "unknown-class", ok.toBuilder().setId("unknown-class").addLabels("zebra").build());
    images.pipeInput(
        "truncated",
        ok.toBuilder()
            .setId("truncated")
            .setImage(ByteString.copyFrom(png, 0, png.length / 2))
            .build());
    images.pipeInput("empty", ok.toBuilder().setId("empty").setImage(ByteString.EMPTY).build());
    images.pipeInput("", ok.toBuilder().setId("").build());
    images.pipeInput(
        "bad-mask",
        ok.toBuilder()
            .setId("bad-mask")
            .setPixelLabel(ByteString.copyFrom(LabelPng.writePalette(new byte[16], 4, 4)))
            .build());
    // a phone's portrait photo (stored 40x20, tagged to turn) with its mask drawn on the turned
    // view
    images.pipeInput(
        "turned-mask",
        ok.toBuilder()
            .setId("turned-mask")
            .setImage(ByteString.copyFrom(ExifJpegs.tagged(ExifJpegs.jpeg(40, 20), 6, true, true)))
            .setPixelLabel(ByteString.copyFrom(LabelPng.writePalette(new byte[20 * 40], 20, 40)))
            .build());
    images.pipeInput(good.id(), ok);
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    Map<String, String> reasons = new HashMap<>();
    Map<String, String> details = new HashMap<>();
    for (DeadLetter d : deadLetters.readValuesToList()) {
      String key = d.getOriginalKey().toStringUtf8();
      reasons.put(key, d.getReason());
      details.put(key, d.getDetail());
      assertThat(d.getTopic()).isEqualTo("images");
      assertThat(d.getDetail()).isNotBlank();
    }
    assertThat(reasons)
        .containsEntry("unknown-class", "UNKNOWN_CLASS")
        .containsEntry("truncated", "IMAGE_UNDECODABLE")
        .containsEntry("empty", "IMAGE_EMPTY")
        .containsEntry("", "MISSING_ID")
        .containsEntry("bad-mask", "MASK_WRONG_SIZE")
        .containsEntry("turned-mask", "MASK_WRONG_SIZE")
        .hasSize(6);
    assertThat(details.get("turned-mask")).contains("EXIF orientation 6", "unturned");
    assertThat(details.get("bad-mask")).doesNotContain("EXIF");
    assertThat(labels.readKeyValuesToMap()).containsOnlyKeys(good.id());
    PipelineMetrics.Snapshot m = metrics.snapshot();
    assertThat(m.imagesIn()).isEqualTo(7);
    assertThat(m.labelled()).isEqualTo(1);
    assertThat(m.deadLetters())
        .containsEntry("UNKNOWN_CLASS", 1L)
        .containsEntry("MISSING_ID", 1L)
        .containsEntry("MASK_WRONG_SIZE", 2L)
        .hasSize(5);
  }

  @Test
  void shouldSampleByRateAndAlwaysSampleImagesWithPixelLabels() {
    start(Map.of(PipelineConfig.SAMPLE_RATE_CONFIG, 0.0));
    List<SyntheticDataset.Sample> batch = TestReleases.samples(4, 6);
    publish(batch.subList(0, 3));
    SyntheticDataset.Sample withMask = batch.get(3);
    images.pipeInput(
        withMask.id(),
        TestReleases.event(withMask).toBuilder()
            .setPixelLabel(ByteString.copyFrom(LabelPng.writePalette(withMask.mask(), 48, 48)))
            .build());
    assertThat(samples.readKeyValuesToMap()).containsOnlyKeys(withMask.id());
    driver.close();
    driver = null;

    start(Map.of(PipelineConfig.SAMPLE_RATE_CONFIG, 0.5));
    List<SyntheticDataset.Sample> many = TestReleases.samples(200, 7);
    publish(many);
    int n = samples.readValuesToList().size();
    assertThat(n).isBetween(75, 125);
  }
}
