package org.lrpaudit.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.SplittableRandom;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.rules.PropagationRules;

/**
 * The random baseline: N(0, 1) per token. Seeded by the run's seed and the text's token ids (not by its place in a batch),
 * so a rerun, another partitioning or another batch gives every text the same values.
 */
public record RandomRelevance(long seed) implements RelevanceMethod {
  @Override
  public double[] relevance(BatchPass pass) {
    JniUtils.setGradMode(false);
    NDArray logits = pass.model().logits(pass.h0(), pass.maskBias(), PropagationRules.GRADIENT, null);
    pass.chooseClasses(logits);
    EncodedBatch enc = pass.batch();
    double[] out = new double[enc.size() * enc.length()];
    for (int k = 0; k < enc.size(); k++) {
      SplittableRandom rnd = new SplittableRandom(textSeed(enc, k));
      for (int t = 0; t < enc.lengths()[k]; t++) {
        out[k * enc.length() + t] = rnd.nextGaussian();
      }
    }
    return out;
  }

  /** A 64-bit mix (SplitMix64 finaliser steps) of the seed and the row's real token ids. */
  private long textSeed(EncodedBatch enc, int row) {
    long h = seed ^ 0x9E3779B97F4A7C15L;
    for (int t = 0; t < enc.lengths()[row]; t++) {
      h = mix(h + enc.ids()[row * enc.length() + t]);
    }
    return mix(h + enc.lengths()[row]);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
