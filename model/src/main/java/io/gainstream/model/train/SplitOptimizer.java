package io.gainstream.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import java.util.Set;

/**
 * Two optimisers, chosen per parameter: pretrained backbone weights get their own (a smaller
 * learning rate), the rest the head's. Each keeps its own state (Adam's moments).
 */
final class SplitOptimizer extends Optimizer {
  private final Optimizer head;
  private final Optimizer backbone;
  private final Set<String> backboneIds;

  SplitOptimizer(Optimizer head, Optimizer backbone, Set<String> backboneIds) {
    super(new Builder());
    this.head = head;
    this.backbone = backbone;
    this.backboneIds = Set.copyOf(backboneIds);
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    (backboneIds.contains(parameterId) ? backbone : head).update(parameterId, weight, grad);
  }

  private static final class Builder extends OptimizerBuilder<Builder> {
    @Override
    protected Builder self() {
      return this;
    }
  }
}
