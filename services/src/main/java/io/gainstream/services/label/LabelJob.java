package io.gainstream.services.label;

import com.google.protobuf.ByteString;
import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxImporter;
import io.gainstream.model.train.Method;
import io.gainstream.model.train.Validation;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.services.io.ImagePublisher;
import io.gainstream.services.io.LabelExporter;
import io.gainstream.services.io.LabelsCsv;
import io.gainstream.services.kafka.EmbeddedKafka;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.services.trainer.Checkpoints;
import io.gainstream.services.trainer.TrainerOptions;
import io.gainstream.services.trainer.TrainerService;
import io.gainstream.topology.PipelineConfig;
import io.gainstream.topology.Topic;
import io.gainstream.topology.Topics;
import io.gainstream.topology.errors.TransactionTooShortException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code label} job, end to end through Kafka: publish the images, let the trainer service
 * train the chosen method for the given steps on the sampled images and release the model, let the
 * pipeline label every image with that release, and export the labels and dead letters. Without a
 * cluster it runs on an embedded broker in a temporary work directory. Given a saved release
 * ({@code --model}) it skips training and the pipeline labels with that release; the release that
 * labelled can be saved ({@code --save-model}) to label more images later.
 */
public final class LabelJob {
  private static final Logger LOG = LoggerFactory.getLogger(LabelJob.class);

  /**
   * @param bootstrap cluster to use, or null for an embedded broker
   * @param clientConfig client properties file (SASL/SSL), or null
   * @param workDir where the embedded broker and local state live; null for a temporary one
   * @param inputSize side the network trains at
   * @param labelSize side the release labels at (at least {@code inputSize})
   * @param refine crf, walk or none ({@code gainstream.refine}); null: what the release names
   * @param ttaScales test-time scales such as {@code 1,1.5} ({@code gainstream.tta.scales}); null:
   *     what the release names
   * @param model a saved release to label with instead of training (null: train one)
   * @param saveModel where to write the release that labelled (null: nowhere)
   * @param settings further {@code gainstream.*} pipeline settings ({@code label --set})
   * @param cutout share of training photos with a black rectangle ({@code label --cutout}; 0: off)
   */
  public record Request(
      Path images,
      Path labelsCsv,
      Path classesFile,
      Path out,
      Path masks,
      Method method,
      int trainSteps,
      long seed,
      String bootstrap,
      Path clientConfig,
      Path workDir,
      boolean progress,
      TrainerOptions.Guarding guarding,
      Backbone backbone,
      int inputSize,
      int labelSize,
      String refine,
      String ttaScales,
      Path model,
      Path saveModel,
      Float weightAveraging,
      Map<String, String> settings,
      float cutout) {
    public Request {
      settings = settings == null ? Map.of() : Map.copyOf(settings);
    }

    /** As before refinement was an option: the release decides. */
    public Request(
        Path images,
        Path labelsCsv,
        Path classesFile,
        Path out,
        Path masks,
        Method method,
        int trainSteps,
        long seed,
        String bootstrap,
        Path clientConfig,
        Path workDir,
        boolean progress,
        TrainerOptions.Guarding guarding,
        Backbone backbone,
        int inputSize,
        int labelSize) {
      this(
          images,
          labelsCsv,
          classesFile,
          out,
          masks,
          method,
          trainSteps,
          seed,
          bootstrap,
          clientConfig,
          workDir,
          progress,
          guarding,
          backbone,
          inputSize,
          labelSize,
          null,
          null,
          null,
          null,
          null,
          Map.of(),
          0f);
    }

    /**
     * The decay of the mined weights' moving average that releases publish: as given, otherwise
     * {@link Backbone#WEIGHT_AVERAGING} on a backbone and off for the built-in network (whose runs
     * repeat, and whose tables were measured without it).
     */
    public float averaging() {
      return weightAveraging != null
          ? weightAveraging
          : backbone != null ? Backbone.WEIGHT_AVERAGING : 0f;
    }
  }

  /**
   * What happened.
   *
   * @param modelVersion the release that labelled the images; −1 when the gate published none
   * @param validation that release's held-out figures (null when too few images were held out)
   * @param heldBack why the gate kept the trained release back (null when it was published)
   * @param mining what attention mining came to (mined, rolled back, fell back to the warm-up
   *     classifier, never started); null for a method that does not mine or a saved release
   */
  public record Outcome(
      int labelled,
      int rejected,
      long modelVersion,
      List<String> classes,
      Validation.Figures validation,
      String heldBack,
      String mining) {
    public Outcome(
        int labelled,
        int rejected,
        long modelVersion,
        List<String> classes,
        Validation.Figures validation,
        String heldBack) {
      this(labelled, rejected, modelVersion, classes, validation, heldBack, null);
    }
  }

  /** What attention mining came to in a finished training run, for the run's last line. */
  static String mining(Method method, TrainerService trainer) {
    if (!method.mines()) {
      return null;
    }
    if (trainer.miningHeld() != null && trainer.miningBaseline() == null) {
      return "trained as a classifier, mining held off (" + trainer.miningHeld() + ")";
    }
    if (trainer.fallbacks() > 0) {
      return "fell back to its warm-up classifier (" + trainer.lastFallbackReason() + ")";
    }
    if (trainer.releasedWarmUp()) {
      return "rolled back to its warm-up classifier at the last check ("
          + trainer.rollbacks()
          + " rollbacks): the release is that classifier";
    }
    if (trainer.miningBaseline() == null) {
      return "attention mining never started: the release is its warm-up classifier";
    }
    return trainer.rollbacks() > 0
        ? "mined, rolled back " + trainer.rollbacks() + " times"
        : "mined";
  }

  /** Creates progress bars (or silent ones). */
  public interface Progress {
    ProgressBar bar(String task, long max);
  }

  private LabelJob() {}

  public static Outcome run(Request r, Progress progress) throws IOException, InterruptedException {
    ClassCatalog classes = ClassCatalog.read(r.classesFile());
    List<LabelsCsv.Row> rows = LabelsCsv.read(r.labelsCsv());
    String run = UUID.randomUUID().toString().substring(0, 8);
    boolean tempWork = r.workDir() == null;
    Path work = tempWork ? Files.createTempDirectory("gainstream-label-") : r.workDir();
    long started = System.currentTimeMillis();
    EmbeddedKafka broker = null;
    try {
      LabelSetup.Connection connection = LabelSetup.connect(r, work);
      broker = connection.broker();
      KafkaConnection kafka = connection.kafka();
      byte[] saved = r.model() == null ? null : Files.readAllBytes(r.model());
      ModelInfo savedInfo = saved == null ? null : OnnxImporter.readInfo(saved);
      PipelineConfig config = LabelSetup.pipeline(r, classes, run, savedInfo);
      TopicSetup.ensure(kafka, config, 2);

      TrainerOptions topts = LabelSetup.trainer(r, classes, config, rows.size(), work, run);
      try (PipelineService pipeline =
          new PipelineService(
                  kafka,
                  config,
                  new PipelineService.Options(
                      "gainstream-label-" + run,
                      work.resolve("state"),
                      Runtime.getRuntime().availableProcessors()))
              .start(Duration.ofMinutes(2))) {
        ImagePublisher.Result published;
        long version;
        Validation.Figures figures = null;
        String mining = null;
        if (saved != null) {
          version = publishSaved(kafka, config, saved, savedInfo);
          try (ProgressBar bar = progress.bar("publish", rows.size())) {
            published =
                ImagePublisher.publish(
                    kafka, config.imagesTopic(), r.images(), rows, r.masks(), bar::step);
          }
        } else {
          TrainerService trainer;
          try (ProgressBar trainBar = progress.bar("train " + r.method().id(), r.trainSteps())) {
            trainer = new TrainerService(kafka, topts, s -> trainBar.step());
            Thread trainerThread = new Thread(trainer, "gainstream-trainer");
            trainerThread.start();
            try (ProgressBar bar = progress.bar("publish", rows.size())) {
              published =
                  ImagePublisher.publish(
                      kafka, config.imagesTopic(), r.images(), rows, r.masks(), bar::step);
            }
            trainerThread.join();
          }
          if (trainer.failure().isPresent()) {
            throw new IllegalStateException(
                "training failed: " + trainer.failure().get().getMessage(),
                trainer.failure().get());
          }
          version = trainer.publishedVersion();
          if (version < 0) {
            LOG.warn("no release was published ({}); no labels written", trainer.lastHoldReason());
            return new Outcome(
                0,
                published.rejected().size(),
                -1,
                classes.names(),
                null,
                trainer.lastHoldReason());
          }
          figures = trainer.publishedFigures();
          mining = mining(r.method(), trainer);
          if (r.saveModel() != null) {
            save(topts.checkpoints(), version, r.saveModel());
          }
        }
        if (published.orientationNote() != null) {
          LOG.info(published.orientationNote());
        }
        LabelExporter.Collected collected;
        try (ProgressBar bar = progress.bar("label", published.published().size())) {
          collected =
              LabelExporter.collect(
                  kafka,
                  config.proxyLabelsTopic(),
                  config.deadLettersTopic(),
                  new HashSet<>(published.published()),
                  version,
                  started,
                  Duration.ofMinutes(30),
                  bar::stepBy,
                  t -> {},
                  new LabelExporter.Watch() {
                    @Override
                    public Optional<RuntimeException> failure() {
                      return pipeline.failure().map(TransactionTooShortException::new);
                    }

                    @Override
                    public String activity() {
                      return pipeline.activity();
                    }
                  });
        }
        Map<String, String> stems = new HashMap<>();
        published.published().forEach(id -> stems.put(id, ImagePublisher.stemOf(id)));
        int written =
            LabelExporter.write(
                collected, r.out(), classes.names(), stems, published.rejected(), r.images());
        int rejected =
            published.rejected().size()
                + (int)
                    collected.deadLetters().keySet().stream()
                        .filter(k -> !collected.labels().containsKey(k))
                        .count();
        LOG.info(
            "labelled {} images, rejected {}, with model version {}", written, rejected, version);
        if (saved != null && r.saveModel() != null) {
          Files.write(r.saveModel(), saved);
        }
        return new Outcome(written, rejected, version, classes.names(), figures, null, mining);
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
      if (tempWork) {
        deleteTree(work);
      }
    }
  }

  /** Publishes a saved release as the pipeline's model; returns its version. */
  private static long publishSaved(
      KafkaConnection kafka, PipelineConfig config, byte[] onnx, ModelInfo info)
      throws InterruptedException {
    ModelRelease release =
        ModelRelease.newBuilder()
            .setName(config.modelName())
            .setVersion(info.version())
            .setOnnx(ByteString.copyFrom(onnx))
            .addAllClasses(info.classes())
            .setInputHeight(info.spec().inputSize())
            .setInputWidth(info.spec().inputSize())
            .setMethod(info.method())
            .setStep(info.steps())
            .setCreatedMs(System.currentTimeMillis())
            .build();
    Topic<String, ModelRelease> models = Topics.models(config.modelsTopic());
    try (KafkaProducer<String, ModelRelease> producer = models.producer(kafka.producer())) {
      producer.send(models.record(config.modelName(), release)).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot publish the saved release: " + e.getCause().getMessage(), e.getCause());
    }
    LOG.info(
        "labelling with the saved release: {} version {}, {} steps",
        info.method(),
        info.version(),
        info.steps());
    return info.version();
  }

  /** Copies the checkpoint of the published {@code version} to {@code file}. */
  private static void save(Checkpoints checkpoints, long version, Path file) throws IOException {
    Checkpoints.Checkpoint c =
        checkpoints
            .newest()
            .filter(k -> k.version() == version)
            .orElseThrow(
                () ->
                    new IllegalStateException("no checkpoint of the published release " + version));
    Files.write(file, c.onnx());
    LOG.info("saved release {} to {}", version, file);
  }

  public static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }
}
