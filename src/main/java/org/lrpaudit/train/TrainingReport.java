package org.lrpaudit.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** What training-report.json records. */
public record TrainingReport(
    @JsonProperty("base_model") String baseModel,
    @JsonProperty("base_model_id") String baseModelId,
    @JsonProperty("model_id") String modelId,
    String data,
    @JsonProperty("split_sizes") Map<String, Integer> splitSizes,
    int epochs,
    @JsonProperty("learning_rate") double learningRate,
    @JsonProperty("batch_tokens") int batchTokens,
    @JsonProperty("warmup_fraction") double warmupFraction,
    @JsonProperty("weight_decay") double weightDecay,
    long seed,
    int threads,
    @JsonProperty("validation_accuracy_per_epoch") List<Double> validationAccuracy,
    @JsonProperty("test_accuracy") Double testAccuracy,
    @JsonProperty("train_seconds") double trainSeconds,
    @JsonProperty("final_train_loss") double finalTrainLoss) {}
