package io.gainstream.topology;

import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.CrfRefiner;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.WalkRefiner;
import io.gainstream.model.release.LabelRecipe;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Typed configuration of the labelling pipeline: every key with its documentation and default in
 * one place, as Kafka's own configs do. Topology code reads only this, never a host name.
 */
public final class PipelineConfig extends AbstractConfig {
  public static final String IMAGES_TOPIC_CONFIG = "gainstream.topic.images";
  private static final String IMAGES_TOPIC_DOC = "Topic of ImageEvent values (key: image id).";
  public static final String MODELS_TOPIC_CONFIG = "gainstream.topic.models";
  private static final String MODELS_TOPIC_DOC =
      "Compacted topic of ModelRelease values (key: model name).";
  public static final String PROXY_LABELS_TOPIC_CONFIG = "gainstream.topic.proxy.labels";
  private static final String PROXY_LABELS_TOPIC_DOC =
      "Compacted topic of ProxyLabel values (key: image id).";
  public static final String TRAINING_SAMPLES_TOPIC_CONFIG = "gainstream.topic.training.samples";
  private static final String TRAINING_SAMPLES_TOPIC_DOC =
      "Topic of sampled ImageEvents the trainer consumes.";
  public static final String DEAD_LETTERS_TOPIC_CONFIG = "gainstream.topic.dead.letters";
  private static final String DEAD_LETTERS_TOPIC_DOC =
      "Topic of DeadLetter values: every rejected record with its reason.";

  public static final String MODEL_NAME_CONFIG = "gainstream.model.name";
  private static final String MODEL_NAME_DOC =
      "Key of the release on the models topic that the attention stage follows.";
  public static final String CLASSES_CONFIG = "gainstream.classes";
  private static final String CLASSES_DOC =
      "Class names; the k-th is class index k (0 is background). Releases must list the same classes.";
  public static final String INPUT_SIZE_CONFIG = "gainstream.input.size";
  private static final String INPUT_SIZE_DOC =
      "Side of the square model input while no release is there. Images are resized once, at validation, to the newest release's "
          + "input size (each release names its own); images validated before that release are resampled to it in the attention stage.";

  public static final String BATCH_MAX_SIZE_CONFIG = "gainstream.batch.max.size";
  public static final String BATCH_MAX_WAIT_MS_CONFIG = "gainstream.batch.max.wait.ms";
  public static final String COMMIT_INTERVAL_MS_CONFIG = "gainstream.commit.interval.ms";
  public static final String TRANSACTION_TIMEOUT_MS_CONFIG = "gainstream.transaction.timeout.ms";
  public static final String MAX_POLL_INTERVAL_MS_CONFIG = "gainstream.max.poll.interval.ms";
  public static final String BATCH_BUDGET_MS_CONFIG = "gainstream.batch.budget.ms";
  public static final String BATCH_START_SIZE_CONFIG = "gainstream.batch.start.size";
  public static final String SAMPLE_RATE_CONFIG = "gainstream.sample.rate";
  private static final String SAMPLE_RATE_DOC =
      "Share of valid images copied to the training-samples topic (by a hash of the id, so replays agree). Images with pixel labels are always copied. "
          + "A quarter: a trainer must hold 8 samples out and train on twice as many before it publishes, so at 0.1 a stream of 200 images never gave it enough.";
  public static final String RELABEL_ENABLED_CONFIG = "gainstream.relabel.enabled";
  private static final String RELABEL_ENABLED_DOC =
      "Re-label every image when a newer release is promoted, until proxy-labels holds the newest release's label for each. "
          + "Keeps each validated image's encoded bytes in a changelogged store (disk and broker traffic: about one more copy of the images topic).";
  public static final String RELABEL_MAX_SHARE_CONFIG = "gainstream.relabel.max.share";
  private static final String RELABEL_MAX_SHARE_DOC =
      "Largest share of the attention stage's wall time that re-labelling may take; new images go first and fill each batch before re-labelled ones do.";
  public static final String FLIP_TTA_CONFIG = "gainstream.flip.tta";
  private static final String FLIP_TTA_DOC =
      "Fuse each map with the map of the mirrored image (max), as SeeNet and IRN do.";

  public static final String BACKBONE_FILE_CONFIG = "gainstream.backbone.file";
  public static final String BACKBONE_FINE_TUNE_CONFIG = "gainstream.backbone.fine.tune";
  public static final String BACKBONE_PREPROCESSING_CONFIG = "gainstream.backbone.preprocessing";
  public static final String BACKBONE_DILATE_CONFIG = "gainstream.backbone.dilate";

  public static final String FOREGROUND_THRESHOLD_CONFIG = "gainstream.threshold.foreground";
  public static final String BACKGROUND_THRESHOLD_CONFIG = "gainstream.threshold.background";
  public static final String SOFT_SIGMA_CONFIG = "gainstream.soft.sigma";
  public static final String SOFT_OMEGA_CONFIG = "gainstream.soft.omega";
  public static final String SEENET_HIGH_CONFIG = "gainstream.seenet.high";
  public static final String SEENET_LOW_CONFIG = "gainstream.seenet.low";

  public static final String REFINE_CONFIG = "gainstream.refine";
  public static final String TTA_SCALES_CONFIG = "gainstream.tta.scales";
  public static final String MASK_MODEL_FILE_CONFIG = "gainstream.mask.model.file";
  public static final String MASK_SIZE_CONFIG = "gainstream.mask.size";
  public static final String MASK_MEAN_CONFIG = "gainstream.mask.mean";
  public static final String MASK_STD_CONFIG = "gainstream.mask.std";
  public static final String MASK_OUTPUT_CONFIG = "gainstream.mask.output";
  public static final String MASK_FUSION_CONFIG = "gainstream.mask.fusion";
  public static final String MASK_FOREGROUND_CONFIG = "gainstream.mask.foreground";
  public static final String MASK_FLIP_CONFIG = "gainstream.mask.flip";
  public static final String MASK_ZOOM_CONFIG = "gainstream.mask.zoom";
  public static final String MASK_ZOOM_PEAK_CONFIG = "gainstream.mask.zoom.peak";
  public static final String MASK_ZOOM_MARGIN_CONFIG = "gainstream.mask.zoom.margin";
  public static final String MASK_CHECK_MODEL_FILE_CONFIG = "gainstream.mask.check.model.file";
  public static final String MASK_CHECK_PREPROCESSING_CONFIG =
      "gainstream.mask.check.preprocessing";
  public static final String MASK_CHECK_CLASSES_CONFIG = "gainstream.mask.check.classes";
  public static final String MASK_CHECK_REGION_CONFIG = "gainstream.mask.check.region";
  public static final String CRF_ITERATIONS_CONFIG = "gainstream.crf.iterations";
  public static final String CRF_SMOOTH_WEIGHT_CONFIG = "gainstream.crf.smooth.weight";
  public static final String CRF_SMOOTH_XY_CONFIG = "gainstream.crf.smooth.xy";
  public static final String CRF_APPEARANCE_WEIGHT_CONFIG = "gainstream.crf.appearance.weight";
  public static final String CRF_APPEARANCE_XY_CONFIG = "gainstream.crf.appearance.xy";
  public static final String CRF_APPEARANCE_RGB_CONFIG = "gainstream.crf.appearance.rgb";
  public static final String CRF_BACKGROUND_POWER_CONFIG = "gainstream.crf.background.power";
  public static final String CRF_CONFIDENCE_CONFIG = "gainstream.crf.confidence";
  public static final String CRF_GRID_CONFIG = "gainstream.crf.grid";
  public static final String WALK_RADIUS_CONFIG = "gainstream.walk.radius";
  public static final String WALK_BETA_CONFIG = "gainstream.walk.beta";
  public static final String WALK_STEPS_CONFIG = "gainstream.walk.steps";
  public static final String WALK_COLOUR_CONFIG = "gainstream.walk.colour";
  public static final String WALK_GRID_CONFIG = "gainstream.walk.grid";

  public static final String MAX_IMAGE_BYTES_CONFIG = "gainstream.limit.image.bytes";
  public static final String MAX_IMAGE_PIXELS_CONFIG = "gainstream.limit.image.pixels";

  public static final String REPLICATION_FACTOR_CONFIG = "gainstream.topics.replication.factor";
  public static final String MIN_INSYNC_REPLICAS_CONFIG = "gainstream.topics.min.insync.replicas";
  public static final String ORT_PROVIDER_CONFIG = "gainstream.ort.provider";
  public static final String ORT_INTRA_THREADS_CONFIG = "gainstream.ort.intra.threads";
  public static final String ORT_INTER_THREADS_CONFIG = "gainstream.ort.inter.threads";

  private static final ConfigDef CONFIG =
      SystemKeys.define(
          BackboneKeys.define(
              BatchKeys.define(
                  MaskKeys.define(
                      LabelKeys.define(
                          new ConfigDef()
                              .define(
                                  IMAGES_TOPIC_CONFIG,
                                  Type.STRING,
                                  "images",
                                  Importance.HIGH,
                                  IMAGES_TOPIC_DOC)
                              .define(
                                  MODELS_TOPIC_CONFIG,
                                  Type.STRING,
                                  "models",
                                  Importance.HIGH,
                                  MODELS_TOPIC_DOC)
                              .define(
                                  PROXY_LABELS_TOPIC_CONFIG,
                                  Type.STRING,
                                  "proxy-labels",
                                  Importance.HIGH,
                                  PROXY_LABELS_TOPIC_DOC)
                              .define(
                                  TRAINING_SAMPLES_TOPIC_CONFIG,
                                  Type.STRING,
                                  "training-samples",
                                  Importance.MEDIUM,
                                  TRAINING_SAMPLES_TOPIC_DOC)
                              .define(
                                  DEAD_LETTERS_TOPIC_CONFIG,
                                  Type.STRING,
                                  "dead-letters",
                                  Importance.HIGH,
                                  DEAD_LETTERS_TOPIC_DOC)
                              .define(
                                  MODEL_NAME_CONFIG,
                                  Type.STRING,
                                  "gain",
                                  Importance.HIGH,
                                  MODEL_NAME_DOC)
                              .define(
                                  CLASSES_CONFIG,
                                  Type.LIST,
                                  ConfigDef.NO_DEFAULT_VALUE,
                                  Importance.HIGH,
                                  CLASSES_DOC)
                              .define(
                                  INPUT_SIZE_CONFIG,
                                  Type.INT,
                                  64,
                                  Range.between(8, 2048),
                                  Importance.MEDIUM,
                                  INPUT_SIZE_DOC)
                              .define(
                                  SAMPLE_RATE_CONFIG,
                                  Type.DOUBLE,
                                  0.25,
                                  Range.between(0.0, 1.0),
                                  Importance.MEDIUM,
                                  SAMPLE_RATE_DOC)
                              .define(
                                  RELABEL_ENABLED_CONFIG,
                                  Type.BOOLEAN,
                                  true,
                                  Importance.MEDIUM,
                                  RELABEL_ENABLED_DOC)
                              .define(
                                  RELABEL_MAX_SHARE_CONFIG,
                                  Type.DOUBLE,
                                  0.5,
                                  Range.between(0.01, 1.0),
                                  Importance.LOW,
                                  RELABEL_MAX_SHARE_DOC)
                              .define(
                                  FLIP_TTA_CONFIG,
                                  Type.BOOLEAN,
                                  true,
                                  Importance.LOW,
                                  FLIP_TTA_DOC))))));

  public PipelineConfig(Map<?, ?> props) {
    super(CONFIG, props, false);
    if (backgroundThreshold() > foregroundThreshold()) {
      throw new ConfigException(
          BACKGROUND_THRESHOLD_CONFIG + " must not exceed " + FOREGROUND_THRESHOLD_CONFIG);
    }
    BatchKeys.check(this);
    classes();
    mask();
  }

  /** The keys, their defaults and documentation (for {@code --help} and docs). */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  public String imagesTopic() {
    return getString(IMAGES_TOPIC_CONFIG);
  }

  public String modelsTopic() {
    return getString(MODELS_TOPIC_CONFIG);
  }

  public String proxyLabelsTopic() {
    return getString(PROXY_LABELS_TOPIC_CONFIG);
  }

  public String trainingSamplesTopic() {
    return getString(TRAINING_SAMPLES_TOPIC_CONFIG);
  }

  public String deadLettersTopic() {
    return getString(DEAD_LETTERS_TOPIC_CONFIG);
  }

  public String modelName() {
    return getString(MODEL_NAME_CONFIG);
  }

  public ClassCatalog classes() {
    List<String> names = getList(CLASSES_CONFIG);
    return new ClassCatalog(names);
  }

  public int inputSize() {
    return getInt(INPUT_SIZE_CONFIG);
  }

  public int batchMaxSize() {
    return getInt(BATCH_MAX_SIZE_CONFIG);
  }

  public long batchMaxWaitMs() {
    return getLong(BATCH_MAX_WAIT_MS_CONFIG);
  }

  public long commitIntervalMs() {
    return getLong(COMMIT_INTERVAL_MS_CONFIG);
  }

  public long transactionTimeoutMs() {
    return getLong(TRANSACTION_TIMEOUT_MS_CONFIG);
  }

  public long maxPollIntervalMs() {
    return getLong(MAX_POLL_INTERVAL_MS_CONFIG);
  }

  /** The attention stage's work per transaction: as set, else a quarter of the smaller timeout. */
  public long batchBudgetMs() {
    long set = getLong(BATCH_BUDGET_MS_CONFIG);
    return set > 0 ? set : Math.min(transactionTimeoutMs(), maxPollIntervalMs()) / 4;
  }

  public int batchStartSize() {
    return Math.min(getInt(BATCH_START_SIZE_CONFIG), batchMaxSize());
  }

  public double sampleRate() {
    return getDouble(SAMPLE_RATE_CONFIG);
  }

  public boolean relabelEnabled() {
    return getBoolean(RELABEL_ENABLED_CONFIG);
  }

  public double relabelMaxShare() {
    return getDouble(RELABEL_MAX_SHARE_CONFIG);
  }

  /** The trainer's backbone setting: empty when none is configured. */
  public String backboneFile() {
    return getString(BACKBONE_FILE_CONFIG);
  }

  public String backboneFineTune() {
    return getString(BACKBONE_FINE_TUNE_CONFIG);
  }

  public String backbonePreprocessing() {
    return getString(BACKBONE_PREPROCESSING_CONFIG);
  }

  public boolean backboneDilate() {
    return getBoolean(BACKBONE_DILATE_CONFIG);
  }

  public float foregroundThreshold() {
    return getDouble(FOREGROUND_THRESHOLD_CONFIG).floatValue();
  }

  public float backgroundThreshold() {
    return getDouble(BACKGROUND_THRESHOLD_CONFIG).floatValue();
  }

  /**
   * The pipeline's side of every release's {@link LabelRecipe}: thresholds (which win over a
   * release's only when set), {@code gainstream.refine} and {@code gainstream.tta.scales} (empty
   * when unset: the release decides), the mirror, and the refinements at their settings.
   */
  public LabelRecipe.Settings recipeSettings() {
    return LabelKeys.recipe(this);
  }

  /** Soft-mask and SeeNet settings, at the pipeline's thresholds and without refinement. */
  public ImageLabeler.Settings labelerSettings() {
    return LabelKeys.labeler(this);
  }

  /** The dense-CRF settings ({@code gainstream.crf.*}), whether or not refinement is on. */
  public CrfRefiner.Settings crfSettings() {
    return LabelKeys.crf(this);
  }

  /** The random-walk settings ({@code gainstream.walk.*}), whether or not refinement is on. */
  public WalkRefiner.Settings walkSettings() {
    return LabelKeys.walk(this);
  }

  /** The mask model settings, empty when no mask model is set. */
  public Optional<MaskSettings> mask() {
    return MaskKeys.mask(this);
  }

  public DecodeLimits decodeLimits() {
    return new DecodeLimits(getLong(MAX_IMAGE_BYTES_CONFIG), getLong(MAX_IMAGE_PIXELS_CONFIG));
  }

  /** Replication factor of the topics gainstream creates; 0: what the cluster offers. */
  public int replicationFactor() {
    return getInt(REPLICATION_FACTOR_CONFIG);
  }

  /** {@code min.insync.replicas} of the topics gainstream creates; 0: what the factor allows. */
  public int minInsyncReplicas() {
    return getInt(MIN_INSYNC_REPLICAS_CONFIG);
  }

  public InferenceOptions inferenceOptions() {
    return new InferenceOptions(
        getString(ORT_PROVIDER_CONFIG),
        getInt(ORT_INTRA_THREADS_CONFIG),
        getInt(ORT_INTER_THREADS_CONFIG),
        0);
  }
}
