package io.gainstream.model.train;

/**
 * Losses and training accuracy of one step.
 *
 * @param step 1-based step number
 * @param total the loss that was back-propagated
 * @param classification {@code L_cl} (for abn {@code L_att + L_per})
 * @param attentionMining {@code L_am} (0 while warming up or for cam)
 * @param pixel {@code L_e} (0 without pixel labels)
 * @param accuracy exact-match multi-label accuracy of this batch
 * @param miningActive whether attention mining contributed to this step
 * @param skipped the loss or a gradient was not finite, so the weights were not updated (accuracy
 *     is then NaN)
 */
public record StepResult(
    long step,
    float total,
    float classification,
    float attentionMining,
    float pixel,
    float accuracy,
    boolean miningActive,
    boolean skipped) {}
