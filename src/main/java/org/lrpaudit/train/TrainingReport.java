package org.lrpaudit.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What training-report.json records. base_model_id is null for a model trained from a random initialisation (base_model
 * then says so); batch_tokens is null for images (every image is one full row, batches are batch_rows images).
 */
public record TrainingReport(
    @JsonProperty("base_model") String baseModel,
    @JsonProperty("base_model_id") String baseModelId,
    @JsonProperty("model_id") String modelId,
    String data,
    @JsonProperty("split_sizes") Map<String, Integer> splitSizes,
    int epochs,
    @JsonProperty("learning_rate") double learningRate,
    @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("batch_tokens") Integer batchTokens,
    @JsonProperty("batch_rows") int batchRows,
    @JsonProperty("warmup_fraction") double warmupFraction,
    @JsonProperty("weight_decay") double weightDecay,
    long seed,
    int threads,
    @JsonProperty("train_loss_per_epoch") List<Double> trainLoss,
    @JsonProperty("validation_accuracy_per_epoch") List<Double> validationAccuracy,
    @JsonProperty("test_accuracy") Double testAccuracy,
    @JsonProperty("train_seconds") double trainSeconds,
    @JsonProperty("final_train_loss") double finalTrainLoss) {

  /** torch's intra-op threads as the launcher set them (-1: not set, torch's default). */
  static int torchThreads() {
    return Integer.getInteger("ai.djl.pytorch.num_threads", -1);
  }
}
