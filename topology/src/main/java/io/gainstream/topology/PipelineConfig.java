package io.gainstream.topology;

import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.infer.MaskSession;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.labels.AttentionWindow;
import io.gainstream.model.labels.CrfRefiner;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.MaskFusion;
import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.labels.Refinement;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.labels.WalkRefiner;
import io.gainstream.model.refine.DenseCrf;
import io.gainstream.model.refine.RandomWalk;
import io.gainstream.model.release.LabelRecipe;
import java.nio.file.Path;
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
  private static final String BATCH_MAX_SIZE_DOC =
      "Most images per ONNX Runtime run; fewer when the release's measured cost would not fit gainstream.batch.budget.ms.";
  public static final String BATCH_MAX_WAIT_MS_CONFIG = "gainstream.batch.max.wait.ms";
  private static final String BATCH_MAX_WAIT_MS_DOC =
      "Longest time an image waits in the buffer for its batch to fill (wall clock), once a model is there.";
  public static final String COMMIT_INTERVAL_MS_CONFIG = "gainstream.commit.interval.ms";
  private static final String COMMIT_INTERVAL_MS_DOC =
      "Kafka Streams commit interval. Under exactly-once a label is readable (read_committed) only once its transaction commits, so half of this adds to the mean latency; shorter means more transactions.";
  public static final String TRANSACTION_TIMEOUT_MS_CONFIG = "gainstream.transaction.timeout.ms";
  private static final String TRANSACTION_TIMEOUT_MS_DOC =
      "The stream threads' transaction.timeout.ms (exactly-once): the broker aborts a transaction open longer, and the thread "
          + "starts over from its last commit. Kafka Streams' own default, 10 s, is shorter than one batch of photos through a "
          + "backbone on two cores; at most the broker's transaction.max.timeout.ms (15 min by default). A longer timeout also "
          + "means a crashed instance's open transaction can hold read_committed readers back that long.";
  public static final String MAX_POLL_INTERVAL_MS_CONFIG = "gainstream.max.poll.interval.ms";
  private static final String MAX_POLL_INTERVAL_MS_DOC =
      "The stream threads' max.poll.interval.ms: a thread that does not poll for this long leaves the group and its tasks move.";
  public static final String BATCH_BUDGET_MS_CONFIG = "gainstream.batch.budget.ms";
  private static final String BATCH_BUDGET_MS_DOC =
      "Longest attention-stage work (model, thresholds, refinement) a stream thread does between two commits; batches are "
          + "sized from each release's measured cost per image to fit it. 0: a quarter of the smaller of the transaction "
          + "timeout and the poll interval. With the commit interval it must fit in half the transaction timeout, and in half "
          + "the poll interval; other combinations are refused at start.";
  public static final String BATCH_START_SIZE_CONFIG = "gainstream.batch.start.size";
  private static final String BATCH_START_SIZE_DOC =
      "Images in the first batch of a release, before its cost is known; batches then double while they stay within the "
          + "budget, up to gainstream.batch.max.size, and shrink at once after a slow one.";
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
  private static final String BACKBONE_FILE_DOC =
      "Read by the trainer: an ImageNet classifier exported to ONNX whose last spatial feature map becomes the feature extractor "
          + "(as trainer --backbone, which wins when given). Empty: the built-in network. The pipeline needs none of it: each release carries its own.";
  public static final String BACKBONE_FINE_TUNE_CONFIG = "gainstream.backbone.fine.tune";
  private static final String BACKBONE_FINE_TUNE_DOC =
      "Read by the trainer with a backbone: the layers that train (all, last, none), as --fine-tune.";
  public static final String BACKBONE_PREPROCESSING_CONFIG = "gainstream.backbone.preprocessing";
  private static final String BACKBONE_PREPROCESSING_DOC =
      "Read by the trainer with a backbone: the normalisation it was trained with (imagenet, none).";
  public static final String BACKBONE_DILATE_CONFIG = "gainstream.backbone.dilate";
  private static final String BACKBONE_DILATE_DOC =
      "Read by the trainer with a backbone: dilate its last stage (stride 1, dilation 2), as --dilate.";

  public static final String FOREGROUND_THRESHOLD_CONFIG = "gainstream.threshold.foreground";
  private static final String FOREGROUND_THRESHOLD_DOC =
      "A class is confident where its normalised map is at least this.";
  public static final String BACKGROUND_THRESHOLD_CONFIG = "gainstream.threshold.background";
  private static final String BACKGROUND_THRESHOLD_DOC =
      "A pixel is background where every labelled class's map is below this; in between is 255 (ignore).";
  public static final String SOFT_SIGMA_CONFIG = "gainstream.soft.sigma";
  private static final String SOFT_SIGMA_DOC = "σ of the GAIN soft mask sigmoid(ω(A − σ)).";
  public static final String SOFT_OMEGA_CONFIG = "gainstream.soft.omega";
  private static final String SOFT_OMEGA_DOC = "ω of the GAIN soft mask.";
  public static final String SEENET_HIGH_CONFIG = "gainstream.seenet.high";
  private static final String SEENET_HIGH_DOC =
      "SeeNet δ_h relative to the map's max (attention zone above).";
  public static final String SEENET_LOW_CONFIG = "gainstream.seenet.low";
  private static final String SEENET_LOW_DOC =
      "SeeNet δ_l relative to the map's max (background zone below).";

  public static final String REFINE_CONFIG = "gainstream.refine";
  private static final WalkRefiner.Settings WALK = WalkRefiner.Settings.defaults();
  private static final String REFINE_DOC =
      "Refinement of the proxy label: crf (a dense CRF on the image's colours), walk (a random walk of the attention on "
          + "colour affinities) or none. Unset: what the release names (backbone releases name crf), otherwise none.";
  public static final String TTA_SCALES_CONFIG = "gainstream.tta.scales";
  private static final String TTA_SCALES_DOC =
      "Multi-scale fusion: the input sides to run each batch at, as multiples of the release's (e.g. 1,1.5); 1 alone is "
          + "single-scale. Unset: what the release names (backbone releases name 1,1.5), otherwise 1.";
  public static final String MASK_MODEL_FILE_CONFIG = "gainstream.mask.model.file";
  private static final String MASK_MODEL_FILE_DOC =
      "A class-agnostic foreground model (ONNX: RGB [N,3,H,W] in, one channel of foreground probability out; ISNet, "
          + "U2-Net, BASNet style) fused with the class attention: it says where objects end, the attention which one "
          + "each is. Empty: labels from the attention alone.";
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
  private static final String MAX_IMAGE_BYTES_DOC =
      "Largest encoded image accepted; larger ones are dead-lettered.";
  public static final String MAX_IMAGE_PIXELS_CONFIG = "gainstream.limit.image.pixels";
  private static final String MAX_IMAGE_PIXELS_DOC =
      "Largest width × height accepted, checked from the header before decoding.";

  public static final String ORT_PROVIDER_CONFIG = "gainstream.ort.provider";
  private static final String ORT_PROVIDER_DOC =
      "ONNX Runtime execution provider: cpu, or cuda (CPU fallback with a warning).";
  public static final String ORT_INTRA_THREADS_CONFIG = "gainstream.ort.intra.threads";
  private static final String ORT_INTRA_THREADS_DOC =
      "ONNX Runtime intra-op threads (0 = the pipeline service gives each session cores / stream threads).";
  public static final String ORT_INTER_THREADS_CONFIG = "gainstream.ort.inter.threads";
  private static final String ORT_INTER_THREADS_DOC =
      "ONNX Runtime inter-op threads (0 = ONNX Runtime decides).";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(IMAGES_TOPIC_CONFIG, Type.STRING, "images", Importance.HIGH, IMAGES_TOPIC_DOC)
          .define(MODELS_TOPIC_CONFIG, Type.STRING, "models", Importance.HIGH, MODELS_TOPIC_DOC)
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
          .define(MODEL_NAME_CONFIG, Type.STRING, "gain", Importance.HIGH, MODEL_NAME_DOC)
          .define(
              CLASSES_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, CLASSES_DOC)
          .define(
              INPUT_SIZE_CONFIG,
              Type.INT,
              64,
              Range.between(8, 2048),
              Importance.MEDIUM,
              INPUT_SIZE_DOC)
          .define(
              BATCH_MAX_SIZE_CONFIG,
              Type.INT,
              32,
              Range.between(1, 4096),
              Importance.MEDIUM,
              BATCH_MAX_SIZE_DOC)
          .define(
              BATCH_MAX_WAIT_MS_CONFIG,
              Type.LONG,
              200L,
              Range.between(1, 3_600_000),
              Importance.MEDIUM,
              BATCH_MAX_WAIT_MS_DOC)
          .define(
              COMMIT_INTERVAL_MS_CONFIG,
              Type.LONG,
              200L,
              Range.between(10, 600_000),
              Importance.MEDIUM,
              COMMIT_INTERVAL_MS_DOC)
          .define(
              TRANSACTION_TIMEOUT_MS_CONFIG,
              Type.LONG,
              60_000L,
              Range.between(1_000, 900_000),
              Importance.MEDIUM,
              TRANSACTION_TIMEOUT_MS_DOC)
          .define(
              MAX_POLL_INTERVAL_MS_CONFIG,
              Type.LONG,
              300_000L,
              Range.between(1_000, Integer.MAX_VALUE),
              Importance.LOW,
              MAX_POLL_INTERVAL_MS_DOC)
          .define(
              BATCH_BUDGET_MS_CONFIG,
              Type.LONG,
              0L,
              Range.atLeast(0),
              Importance.MEDIUM,
              BATCH_BUDGET_MS_DOC)
          .define(
              BATCH_START_SIZE_CONFIG,
              Type.INT,
              1,
              Range.between(1, 4096),
              Importance.LOW,
              BATCH_START_SIZE_DOC)
          .define(
              SAMPLE_RATE_CONFIG,
              Type.DOUBLE,
              0.25,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              SAMPLE_RATE_DOC)
          .define(
              RELABEL_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, RELABEL_ENABLED_DOC)
          .define(
              RELABEL_MAX_SHARE_CONFIG,
              Type.DOUBLE,
              0.5,
              Range.between(0.01, 1.0),
              Importance.LOW,
              RELABEL_MAX_SHARE_DOC)
          .define(FLIP_TTA_CONFIG, Type.BOOLEAN, true, Importance.LOW, FLIP_TTA_DOC)
          .define(BACKBONE_FILE_CONFIG, Type.STRING, "", Importance.MEDIUM, BACKBONE_FILE_DOC)
          .define(
              BACKBONE_FINE_TUNE_CONFIG,
              Type.STRING,
              "last",
              ConfigDef.ValidString.in("all", "last", "none"),
              Importance.LOW,
              BACKBONE_FINE_TUNE_DOC)
          .define(
              BACKBONE_PREPROCESSING_CONFIG,
              Type.STRING,
              "imagenet",
              ConfigDef.ValidString.in("imagenet", "none"),
              Importance.LOW,
              BACKBONE_PREPROCESSING_DOC)
          .define(BACKBONE_DILATE_CONFIG, Type.BOOLEAN, false, Importance.LOW, BACKBONE_DILATE_DOC)
          .define(
              FOREGROUND_THRESHOLD_CONFIG,
              Type.DOUBLE,
              0.30,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              FOREGROUND_THRESHOLD_DOC)
          .define(
              BACKGROUND_THRESHOLD_CONFIG,
              Type.DOUBLE,
              0.05,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              BACKGROUND_THRESHOLD_DOC)
          .define(
              SOFT_SIGMA_CONFIG,
              Type.DOUBLE,
              0.5,
              Range.between(0.0, 1.0),
              Importance.LOW,
              SOFT_SIGMA_DOC)
          .define(
              SOFT_OMEGA_CONFIG,
              Type.DOUBLE,
              10.0,
              Range.between(0.0, 1000.0),
              Importance.LOW,
              SOFT_OMEGA_DOC)
          .define(
              SEENET_HIGH_CONFIG,
              Type.DOUBLE,
              0.7,
              Range.between(0.0, 1.0),
              Importance.LOW,
              SEENET_HIGH_DOC)
          .define(
              SEENET_LOW_CONFIG,
              Type.DOUBLE,
              0.05,
              Range.between(0.0, 1.0),
              Importance.LOW,
              SEENET_LOW_DOC)
          .define(
              REFINE_CONFIG,
              Type.STRING,
              "",
              ConfigDef.ValidString.in("", "none", "crf", "walk"),
              Importance.MEDIUM,
              REFINE_DOC)
          .define(
              TTA_SCALES_CONFIG,
              Type.STRING,
              "",
              PipelineConfig::validateScales,
              Importance.MEDIUM,
              TTA_SCALES_DOC)
          .define(MASK_MODEL_FILE_CONFIG, Type.STRING, "", Importance.MEDIUM, MASK_MODEL_FILE_DOC)
          .define(
              MASK_SIZE_CONFIG,
              Type.INT,
              0,
              Range.between(0, 4096),
              Importance.MEDIUM,
              "Side of the square input the mask model runs at; 0: the size its graph declares.")
          .define(
              MASK_MEAN_CONFIG,
              Type.STRING,
              "128,128,128",
              Importance.LOW,
              "Per-channel mean (pixel units, RGB) subtracted before the mask model; the shared ISNet's.")
          .define(
              MASK_STD_CONFIG,
              Type.STRING,
              "256,256,256",
              Importance.LOW,
              "Per-channel divisor (pixel units, RGB) applied after the mean; the shared ISNet's.")
          .define(
              MASK_OUTPUT_CONFIG,
              Type.STRING,
              "",
              Importance.LOW,
              "The mask model's probability output; empty: 'output', or its only one-channel output.")
          .define(
              MASK_FUSION_CONFIG,
              Type.STRING,
              "hysteresis",
              ConfigDef.ValidString.in("hysteresis", "threshold", "regions"),
              Importance.MEDIUM,
              "How foreground and attention make the label: hysteresis (foreground where the mask model is sure, or "
                  + "weakly sure and the attention is strong; each such pixel takes its most attended class), "
                  + "threshold (each foreground pixel takes its most attended class) or regions (each foreground "
                  + "region takes the class its attention votes for).")
          .define(
              MASK_FOREGROUND_CONFIG,
              Type.DOUBLE,
              0.5,
              Range.between(0.01, 0.99),
              Importance.LOW,
              "Foreground probability at which a pixel is the mask model's foreground.")
          .define(
              MASK_FLIP_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Run the mask model on the image and its mirror image and average the two (twice its cost; "
                  + "measured better on both photo folders, docs/QUALITY.md).")
          .define(
              MASK_ZOOM_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Show the mask model, a second time, the window around the attention's peak and keep the larger "
                  + "foreground of the two looks (twice its cost; finds objects that are not the salient thing "
                  + "of the whole picture, docs/QUALITY.md).")
          .define(
              MASK_ZOOM_PEAK_CONFIG,
              Type.DOUBLE,
              (double) AttentionWindow.Settings.defaults().peak(),
              Range.between(0.05, 1.0),
              Importance.LOW,
              "Share of its maximum at which a class's attention is its peak, for the zoomed look.")
          .define(
              MASK_ZOOM_MARGIN_CONFIG,
              Type.DOUBLE,
              (double) AttentionWindow.Settings.defaults().margin(),
              Range.between(0.0, 2.0),
              Importance.LOW,
              "Share of the peak region's width and height added on each side of the zoomed window.")
          .define(
              CRF_ITERATIONS_CONFIG,
              Type.INT,
              10,
              Range.between(0, 100),
              Importance.LOW,
              "Mean-field iterations of the CRF.")
          .define(
              CRF_SMOOTH_WEIGHT_CONFIG,
              Type.DOUBLE,
              3.0,
              Range.between(0.0, 1000.0),
              Importance.LOW,
              "Weight of the CRF's smoothness (position) kernel.")
          .define(
              CRF_SMOOTH_XY_CONFIG,
              Type.DOUBLE,
              3.0,
              Range.between(0.01, 10000.0),
              Importance.LOW,
              "Width of the smoothness kernel, in pixels of the image.")
          .define(
              CRF_APPEARANCE_WEIGHT_CONFIG,
              Type.DOUBLE,
              10.0,
              Range.between(0.0, 1000.0),
              Importance.LOW,
              "Weight of the CRF's appearance (position and colour) kernel.")
          .define(
              CRF_APPEARANCE_XY_CONFIG,
              Type.DOUBLE,
              80.0,
              Range.between(0.01, 10000.0),
              Importance.LOW,
              "Spatial width of the appearance kernel, in pixels of the image.")
          .define(
              CRF_APPEARANCE_RGB_CONFIG,
              Type.DOUBLE,
              13.0,
              Range.between(0.01, 1000.0),
              Importance.LOW,
              "Colour width of the appearance kernel, in 8-bit levels.")
          .define(
              CRF_BACKGROUND_POWER_CONFIG,
              Type.DOUBLE,
              1.0,
              Range.between(0.01, 100.0),
              Importance.LOW,
              "Background unary score (1 - max attention)^power.")
          .define(
              CRF_CONFIDENCE_CONFIG,
              Type.DOUBLE,
              0.0,
              Range.between(0.0, 0.99),
              Importance.LOW,
              "A refined pixel whose most likely label has a marginal below this stays 255 (0: never).")
          .define(
              CRF_GRID_CONFIG,
              Type.INT,
              256,
              Range.between(8, 4096),
              Importance.LOW,
              "Long side, in pixels, of the grid the CRF runs on (its cost is linear in the grid's pixels).")
          .define(
              WALK_RADIUS_CONFIG,
              Type.INT,
              WALK.walk().radius(),
              Range.between(1, 16),
              Importance.LOW,
              "Random walk: pixels closer than this many grid cells are neighbours.")
          .define(
              WALK_BETA_CONFIG,
              Type.DOUBLE,
              (double) WALK.walk().beta(),
              Range.between(0.01, 100),
              Importance.LOW,
              "Random walk: exponent on the affinities (larger: only near-equal colours join).")
          .define(
              WALK_STEPS_CONFIG,
              Type.INT,
              WALK.walk().steps(),
              Range.between(0, 10000),
              Importance.LOW,
              "Random walk: steps (the cost is linear in them).")
          .define(
              WALK_COLOUR_CONFIG,
              Type.DOUBLE,
              (double) WALK.colourWidth(),
              Range.between(0.001, 1),
              Importance.LOW,
              "Random walk: mean colour difference (0-1) at which the affinity falls to 1/e before the exponent.")
          .define(
              WALK_GRID_CONFIG,
              Type.INT,
              WALK.gridSide(),
              Range.between(8, 1024),
              Importance.LOW,
              "Long side, in pixels, of the grid the random walk runs on (its cost is linear in the grid's pixels).")
          .define(
              MAX_IMAGE_BYTES_CONFIG,
              Type.LONG,
              16L << 20,
              Range.atLeast(1),
              Importance.MEDIUM,
              MAX_IMAGE_BYTES_DOC)
          .define(
              MAX_IMAGE_PIXELS_CONFIG,
              Type.LONG,
              40_000_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              MAX_IMAGE_PIXELS_DOC)
          .define(
              ORT_PROVIDER_CONFIG,
              Type.STRING,
              "cpu",
              ConfigDef.ValidString.in("cpu", "cuda"),
              Importance.MEDIUM,
              ORT_PROVIDER_DOC)
          .define(
              ORT_INTRA_THREADS_CONFIG,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.LOW,
              ORT_INTRA_THREADS_DOC)
          .define(
              ORT_INTER_THREADS_CONFIG,
              Type.INT,
              1,
              Range.atLeast(0),
              Importance.LOW,
              ORT_INTER_THREADS_DOC);

  public PipelineConfig(Map<?, ?> props) {
    super(CONFIG, props, false);
    if (backgroundThreshold() > foregroundThreshold()) {
      throw new ConfigException(
          BACKGROUND_THRESHOLD_CONFIG + " must not exceed " + FOREGROUND_THRESHOLD_CONFIG);
    }
    checkTimeouts();
    classes();
    mask();
  }

  /**
   * Refuses timeouts that cannot work together: a thread's transaction lasts about a commit
   * interval plus the attention work of one budget, which must stay well inside the transaction
   * timeout, and the budget well inside the poll interval.
   */
  private void checkTimeouts() {
    long tx = transactionTimeoutMs();
    long budget = batchBudgetMs();
    long commit = commitIntervalMs();
    if (budget < 1) {
      throw new ConfigException(
          BATCH_BUDGET_MS_CONFIG + " comes out below 1 ms: raise " + TRANSACTION_TIMEOUT_MS_CONFIG);
    }
    if (budget + commit > tx / 2) {
      throw new ConfigException(
          String.format(
              "%s (%d ms) plus %s (%d ms) must be at most half of %s (%d ms), or transactions time out",
              BATCH_BUDGET_MS_CONFIG,
              budget,
              COMMIT_INTERVAL_MS_CONFIG,
              commit,
              TRANSACTION_TIMEOUT_MS_CONFIG,
              tx));
    }
    if (budget > maxPollIntervalMs() / 2) {
      throw new ConfigException(
          String.format(
              "%s (%d ms) must be at most half of %s (%d ms), or threads drop out of the group",
              BATCH_BUDGET_MS_CONFIG, budget, MAX_POLL_INTERVAL_MS_CONFIG, maxPollIntervalMs()));
    }
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
    String refine = getString(REFINE_CONFIG);
    String scales = getString(TTA_SCALES_CONFIG);
    return new LabelRecipe.Settings(
        new ProxyLabels.Thresholds(foregroundThreshold(), backgroundThreshold()),
        originals().containsKey(FOREGROUND_THRESHOLD_CONFIG)
            || originals().containsKey(BACKGROUND_THRESHOLD_CONFIG),
        refine.isEmpty() ? Optional.empty() : Optional.of(refine),
        scales.isBlank() ? Optional.empty() : Optional.of(TtaScales.parse(scales)),
        getBoolean(FLIP_TTA_CONFIG),
        refinements());
  }

  private static void validateScales(String name, Object value) {
    String v = (String) value;
    if (v != null && !v.isBlank()) {
      try {
        TtaScales.parse(v);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
    }
  }

  /** The dense-CRF settings ({@code gainstream.crf.*}), whether or not refinement is on. */
  public CrfRefiner.Settings crfSettings() {
    return new CrfRefiner.Settings(
        new DenseCrf.Settings(
            getInt(CRF_ITERATIONS_CONFIG),
            getDouble(CRF_SMOOTH_WEIGHT_CONFIG).floatValue(),
            getDouble(CRF_SMOOTH_XY_CONFIG).floatValue(),
            getDouble(CRF_APPEARANCE_WEIGHT_CONFIG).floatValue(),
            getDouble(CRF_APPEARANCE_XY_CONFIG).floatValue(),
            getDouble(CRF_APPEARANCE_RGB_CONFIG).floatValue()),
        getDouble(CRF_BACKGROUND_POWER_CONFIG).floatValue(),
        getDouble(CRF_CONFIDENCE_CONFIG).floatValue(),
        getInt(CRF_GRID_CONFIG));
  }

  /** The random-walk settings ({@code gainstream.walk.*}), whether or not refinement is on. */
  public WalkRefiner.Settings walkSettings() {
    return new WalkRefiner.Settings(
        new RandomWalk.Settings(
            getInt(WALK_RADIUS_CONFIG),
            getDouble(WALK_BETA_CONFIG).floatValue(),
            getInt(WALK_STEPS_CONFIG)),
        getDouble(WALK_COLOUR_CONFIG).floatValue(),
        getInt(WALK_GRID_CONFIG));
  }

  /**
   * Every refinement the threshold stage can run, by name, at its {@code gainstream.*} settings.
   */
  private Map<String, Refinement> refinements() {
    Refinement crf = crfSettings();
    Refinement walk = walkSettings();
    return Map.of(crf.name(), crf, walk.name(), walk);
  }

  /**
   * Label settings without refinement; the threshold stage adds it per release ({@link
   * #recipeSettings}).
   */
  public ImageLabeler.Settings labelerSettings() {
    return new ImageLabeler.Settings(
        new ProxyLabels.Thresholds(foregroundThreshold(), backgroundThreshold()),
        getDouble(SOFT_SIGMA_CONFIG).floatValue(),
        getDouble(SOFT_OMEGA_CONFIG).floatValue(),
        getDouble(SEENET_HIGH_CONFIG).floatValue(),
        getDouble(SEENET_LOW_CONFIG).floatValue());
  }

  public DecodeLimits decodeLimits() {
    return new DecodeLimits(getLong(MAX_IMAGE_BYTES_CONFIG), getLong(MAX_IMAGE_PIXELS_CONFIG));
  }

  /** The mask model settings, empty when no mask model is set. */
  public Optional<MaskSettings> mask() {
    String file = getString(MASK_MODEL_FILE_CONFIG).trim();
    if (file.isEmpty()) {
      return Optional.empty();
    }
    MaskFusion.Settings d = MaskFusion.Settings.defaults();
    return Optional.of(
        new MaskSettings(
            Path.of(file),
            new MaskSession.Options(
                getInt(MASK_SIZE_CONFIG),
                triple(MASK_MEAN_CONFIG),
                triple(MASK_STD_CONFIG),
                getString(MASK_OUTPUT_CONFIG)),
            new MaskFusion.Settings(
                MaskFusion.Rule.parse(getString(MASK_FUSION_CONFIG)),
                getDouble(MASK_FOREGROUND_CONFIG).floatValue(),
                // a sure level below the default weak one leaves no weak band
                Math.min(d.weak(), getDouble(MASK_FOREGROUND_CONFIG).floatValue()),
                d.supported(),
                d.attended(),
                d.share()),
            getBoolean(MASK_FLIP_CONFIG),
            new AttentionWindow.Settings(
                getBoolean(MASK_ZOOM_CONFIG),
                getDouble(MASK_ZOOM_PEAK_CONFIG).floatValue(),
                getDouble(MASK_ZOOM_MARGIN_CONFIG).floatValue())));
  }

  private float[] triple(String key) {
    String[] parts = getString(key).split(",");
    float[] out = new float[3];
    try {
      for (int i = 0; i < 3; i++) {
        out[i] = Float.parseFloat(parts[parts.length == 1 ? 0 : i].trim());
      }
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new ConfigException(
          key + " needs one number or three (R,G,B), got '" + getString(key) + "'");
    }
    return out;
  }

  public InferenceOptions inferenceOptions() {
    return new InferenceOptions(
        getString(ORT_PROVIDER_CONFIG),
        getInt(ORT_INTRA_THREADS_CONFIG),
        getInt(ORT_INTER_THREADS_CONFIG),
        0);
  }
}
