package io.gainstream.services.trainer;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.train.CollapseGuard;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.ReleaseGate;
import io.gainstream.topology.PipelineConfig;
import java.util.List;

/**
 * How a {@link TrainerService} trains and releases. Made with {@link #builder}: the pipeline it
 * trains for names the model, the topics and the decode limits; everything else has a default a
 * long-running trainer can use.
 *
 * @param modelName key of the releases on the models topic
 * @param classes class names (index k − 1 is class k)
 * @param spec network shape
 * @param settings method and hyper-parameters
 * @param releaseEvery steps between releases
 * @param maxSteps stop after this many steps in total (0 = run until closed)
 * @param replayCapacity images kept for replay
 * @param startAfterSamples start training once this many samples are buffered ...
 * @param startAfterIdleMs ... or once samples stopped arriving for this long (with at least one)
 * @param checkpoints checkpoint store
 * @param groupId name of the trainer in logs and client ids
 * @param samplesTopic topic of training samples
 * @param modelsTopic topic of releases
 * @param limits decode limits for samples
 * @param guarding held-out share, collapse guard and release gate
 * @param backbone imported feature extractor, or null for the built-in network
 * @param labelSize input side of the releases (what the pipeline labels at): {@code spec}'s own
 *     size, or a larger multiple of the network's stride (same weights, a finer attention grid)
 * @param init a saved release to start from when neither the models topic nor the checkpoints hold
 *     one ({@code trainer --init}); a restart resumes from its own newest release, never from this
 *     again. Null: from scratch.
 */
public record TrainerOptions(
    String modelName,
    List<String> classes,
    NetworkSpec spec,
    GainSettings settings,
    int releaseEvery,
    long maxSteps,
    int replayCapacity,
    int startAfterSamples,
    long startAfterIdleMs,
    Checkpoints checkpoints,
    String groupId,
    String samplesTopic,
    String modelsTopic,
    DecodeLimits limits,
    Guarding guarding,
    Backbone backbone,
    int labelSize,
    byte[] init) {

  public TrainerOptions {
    classes = List.copyOf(classes);
    if (checkpoints == null) {
      throw new IllegalArgumentException("a trainer needs a checkpoint store");
    }
    if (labelSize < spec.inputSize()) {
      throw new IllegalArgumentException(
          "label size " + labelSize + " is below the training input " + spec.inputSize());
    }
  }

  /**
   * How the trainer judges itself on samples it never trains on.
   *
   * @param heldOutShare share of images (by a hash of the id) kept for validation
   * @param guard the collapse guard's checks
   * @param gate which releases may be published
   */
  public record Guarding(double heldOutShare, CollapseGuard.Settings guard, ReleaseGate gate) {
    public Guarding {
      if (!(heldOutShare >= 0 && heldOutShare < 1)) {
        throw new IllegalArgumentException("held-out share must be in [0, 1), got " + heldOutShare);
      }
    }

    public static Guarding defaults() {
      return new Guarding(0.1, CollapseGuard.Settings.defaults(), ReleaseGate.defaults());
    }
  }

  /**
   * A trainer for {@code pipeline}'s model, on its samples and models topics and at its decode
   * limits; releases every 100 steps until closed, replays 500 images, starts after 64 samples (or
   * 5 s without new ones), at the default guarding, on the built-in network, labelling at the
   * training size. {@link Builder#checkpoints} is required.
   */
  public static Builder builder(
      PipelineConfig pipeline, List<String> classes, NetworkSpec spec, GainSettings settings) {
    return new Builder(pipeline.modelName(), classes, spec, settings)
        .topics(pipeline.trainingSamplesTopic(), pipeline.modelsTopic())
        .limits(pipeline.decodeLimits());
  }

  /** Builds {@link TrainerOptions}; see {@link #builder} for the defaults. */
  public static final class Builder {
    private final String modelName;
    private final List<String> classes;
    private final NetworkSpec spec;
    private final GainSettings settings;
    private int releaseEvery = 100;
    private long maxSteps;
    private int replayCapacity = 500;
    private int startAfterSamples = 64;
    private long startAfterIdleMs = 5000;
    private Checkpoints checkpoints;
    private String groupId;
    private String samplesTopic;
    private String modelsTopic;
    private DecodeLimits limits = DecodeLimits.defaults();
    private Guarding guarding = Guarding.defaults();
    private Backbone backbone;
    private int labelSize;
    private byte[] init;

    private Builder(String modelName, List<String> classes, NetworkSpec spec, GainSettings s) {
      this.modelName = modelName;
      this.classes = classes;
      this.spec = spec;
      this.settings = s;
      this.groupId = "gainstream-trainer-" + modelName;
      this.labelSize = spec.inputSize();
    }

    public Builder releaseEvery(int steps) {
      this.releaseEvery = steps;
      return this;
    }

    /** Stop after this many steps in total; 0 runs until closed. */
    public Builder maxSteps(long steps) {
      this.maxSteps = steps;
      return this;
    }

    public Builder replayCapacity(int images) {
      this.replayCapacity = images;
      return this;
    }

    /** Start once {@code samples} are buffered, or {@code idleMs} after the last one arrived. */
    public Builder startAfter(int samples, long idleMs) {
      this.startAfterSamples = samples;
      this.startAfterIdleMs = idleMs;
      return this;
    }

    public Builder checkpoints(Checkpoints store) {
      this.checkpoints = store;
      return this;
    }

    public Builder groupId(String id) {
      this.groupId = id;
      return this;
    }

    public Builder topics(String samples, String models) {
      this.samplesTopic = samples;
      this.modelsTopic = models;
      return this;
    }

    public Builder limits(DecodeLimits l) {
      this.limits = l;
      return this;
    }

    public Builder guarding(Guarding g) {
      this.guarding = g;
      return this;
    }

    /** An imported feature extractor; null: the built-in network. */
    public Builder backbone(Backbone b) {
      this.backbone = b;
      return this;
    }

    public Builder labelSize(int side) {
      this.labelSize = side;
      return this;
    }

    /** A saved release to start from when there is no newer one ({@link TrainerOptions#init}). */
    public Builder init(byte[] onnx) {
      this.init = onnx;
      return this;
    }

    public TrainerOptions build() {
      return new TrainerOptions(
          modelName,
          classes,
          spec,
          settings,
          releaseEvery,
          maxSteps,
          replayCapacity,
          startAfterSamples,
          startAfterIdleMs,
          checkpoints,
          groupId,
          samplesTopic,
          modelsTopic,
          limits,
          guarding,
          backbone,
          labelSize,
          init);
    }
  }
}
