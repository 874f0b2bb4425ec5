package io.gainstream.topology.internals;

import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.BatchAttention;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.onnx.ScaledRelease;
import io.gainstream.model.release.LabelPath;
import io.gainstream.model.release.LabelRecipe;
import io.gainstream.proto.v1.ModelRelease;
import io.gainstream.topology.LogMarkers;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The release one attention task labels with: its sessions (at its own side and, for multi-scale
 * fusion, at the others) and its {@link LabelPath} with the {@link LabelRecipe} resolved once when
 * the release is swapped in. The path goes with every result to the threshold stage of the same
 * task (the same thread: its refiner keeps scratch buffers). The task is its only owner and calls
 * {@link #update} between batches, never inside one, so a batch sees one release from start to end.
 * Sessions are shared with the process's other tasks through {@link ModelSessions}; this class
 * acquires and gives them back.
 */
final class ActiveRelease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ActiveRelease.class);

  private final String modelName;
  private final List<String> classNames;
  private final ModelSessions sessions;
  private final InferenceOptions inference;
  private final LabelRecipe.Settings settings;
  private final ImageLabeler.Settings labels;

  private AttentionSession session;

  /** The release at its other test-time sides (multi-scale fusion); empty for one scale. */
  private List<AttentionSession> scaled = List.of();

  private LabelRecipe recipe;
  private LabelPath path;

  /** Version of the release in use, as its message names it; −1 before one. */
  private long version = -1;

  private long refusedVersion = -1;

  ActiveRelease(
      String modelName,
      List<String> classNames,
      ModelSessions sessions,
      InferenceOptions inference,
      LabelRecipe.Settings settings,
      ImageLabeler.Settings labels) {
    this.modelName = modelName;
    this.classNames = List.copyOf(classNames);
    this.sessions = sessions;
    this.inference = inference;
    this.settings = settings;
    this.labels = labels;
  }

  /** Whether a release is in use. */
  boolean active() {
    return session != null;
  }

  /** The labelling path of the release in use; null before one. */
  LabelPath path() {
    return path;
  }

  /** Version of the release in use; −1 before one. */
  long version() {
    return version;
  }

  /** Side of the input of the release in use; −1 before one. */
  int size() {
    return recipe == null ? -1 : recipe.inputSize();
  }

  /** One batch through the release in use, at its recipe's scales and mirror. */
  BatchAttention.Result run(float[] images, int n, int[][] classes) {
    return path.attend(session, scaled, images, n, classes);
  }

  /**
   * Switches to {@code r} when it is newer than the release in use and usable here; a release that
   * is not (other classes, not square, a model ONNX Runtime refuses) is refused once, in the log,
   * and the one in use stays. Returns whether a release is in use afterwards.
   */
  boolean update(ModelRelease r, String task) {
    if (r == null || r.getVersion() == version() || r.getVersion() == refusedVersion) {
      return active();
    }
    if (!r.getClassesList().equals(classNames)
        || r.getInputHeight() != r.getInputWidth()
        || r.getInputHeight() < 1) {
      return refuse(
          r,
          "it has classes "
              + r.getClassesList()
              + " and input "
              + r.getInputWidth()
              + "x"
              + r.getInputHeight()
              + ", the pipeline is configured for "
              + classNames
              + " (square inputs only)");
    }
    AttentionSession next;
    try {
      next = sessions.acquire(r, inference);
    } catch (RuntimeException e) {
      LOG.error("cannot open release {} of {}: {}", r.getVersion(), modelName, e.getMessage());
      refusedVersion = r.getVersion();
      return active();
    }
    List<String> problems = new ArrayList<>();
    LabelRecipe nextRecipe = LabelRecipe.resolve(next.info(), settings, problems);
    if (nextRecipe.inputSize() != r.getInputHeight()
        || !nextRecipe.classes().equals(r.getClassesList())) {
      sessions.release(next);
      return refuse(
          r,
          "its model takes "
              + nextRecipe.inputSize()
              + " px and classes "
              + nextRecipe.classes()
              + " but its message says "
              + r.getInputHeight()
              + " px and "
              + r.getClassesList());
    }
    for (String p : problems) {
      LOG.error(
          "release {} of {} names {}; the pipeline's setting applies",
          r.getVersion(),
          modelName,
          p);
    }
    List<AttentionSession> nextScaled = acquireScaled(r, nextRecipe);
    if (nextScaled.isEmpty() && !nextRecipe.scales().isSingle()) {
      nextRecipe = nextRecipe.atOneScale();
    }
    if (session != null) {
      releaseAll();
      say(
          task,
          "swapped",
          "swapped " + modelName + " from version " + version() + " to " + r.getVersion());
      if (nextRecipe.inputSize() != recipe.inputSize()) {
        say(
            task,
            "resized",
            String.format(
                "release %d of %s takes %dx%d input (was %dx%d); buffered images are resized to it",
                r.getVersion(),
                modelName,
                nextRecipe.inputSize(),
                nextRecipe.inputSize(),
                recipe.inputSize(),
                recipe.inputSize()));
      }
    }
    session = next;
    scaled = nextScaled;
    recipe = nextRecipe;
    path = new LabelPath(recipe, labels);
    version = r.getVersion();
    say(task, "labels", "labels with release " + version + ": " + recipe.describe());
    return true;
  }

  /** An INFO line of {@code task}: on the console for the first task to say it, else file only. */
  private void say(String task, String kind, String what) {
    if (sessions.firstToSay(modelName, kind, what)) {
      LOG.info("task {} {}", task, what);
    } else {
      LOG.info(LogMarkers.FILE_ONLY, "task {} {}", task, what);
    }
  }

  private boolean refuse(ModelRelease r, String why) {
    LOG.error("refusing release {} of {}: {}", r.getVersion(), modelName, why);
    refusedVersion = r.getVersion();
    return active();
  }

  /**
   * The release at its recipe's other sides. When one cannot open or run (a backbone that fixes a
   * shape inside its graph), the release labels at its own side alone, said once in the log, rather
   * than not at all.
   */
  private List<AttentionSession> acquireScaled(ModelRelease r, LabelRecipe recipe) {
    if (recipe.scales().isSingle()) {
      return List.of();
    }
    List<AttentionSession> out = new ArrayList<>();
    try {
      for (int size : ScaledRelease.otherSides(r.getOnnx().toByteArray(), recipe.scales())) {
        AttentionSession z = sessions.acquire(r, inference, size);
        out.add(z);
        // one blank image first: a graph that opens at this side but cannot run there fails here,
        // not on a batch
        z.run(new float[3 * size * size], 1);
      }
    } catch (RuntimeException e) {
      LOG.error(
          "cannot open release {} of {} at its test-time scales {}: {}; labelling at one scale",
          r.getVersion(),
          modelName,
          recipe.scales().encode(),
          e.getMessage());
      out.forEach(sessions::release);
      return List.of();
    }
    return List.copyOf(out);
  }

  private void releaseAll() {
    sessions.release(session);
    scaled.forEach(sessions::release);
    scaled = List.of();
  }

  @Override
  public void close() {
    if (session != null) {
      releaseAll();
      session = null;
    }
  }
}
