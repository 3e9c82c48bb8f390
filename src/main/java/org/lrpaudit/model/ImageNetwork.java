package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A {@link Network} whose input is an image: h0 is made from pixel values instead of token ids. The encoder and the head
 * are a Network's, so every relevance method runs on it unchanged from h0 on.
 */
public interface ImageNetwork extends Network {
  PatchGrid grid();

  /**
   * h0 [B, 1 + patches, D] from pixel values [B, channels, height, width] (already resized, rescaled and normalised), in
   * the pixels' manager. Differentiable in the pixels: the pixel-level view chains h0's gradient through it.
   */
  NDArray embedPixels(NDArray pixels);

  /** An image model has no token ids to embed. */
  @Override
  default NDArray embed(NDManager batch, EncodedBatch input) {
    throw new UnsupportedOperationException("an image classifier embeds pixels, not token ids");
  }
}
