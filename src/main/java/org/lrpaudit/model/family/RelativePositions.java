package org.lrpaudit.model.family;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * DeBERTa-v2's relative positions (build_relative_position, make_log_bucket_position): the row of rel_embeddings each
 * query/key pair reads, as gather indices for the content-to-position and position-to-content terms. Distances below
 * position_buckets / 2 keep their value; longer ones are log-bucketed up to max_relative_positions (computed in float32,
 * as torch computes it, so bucket edges fall where HuggingFace's do); the index is then shifted by the span and clamped
 * to the table.
 *
 * @param buckets position_buckets, or -1 for plain distances
 * @param maxRelative max_relative_positions after its default (max_position_embeddings)
 * @param span half the rows of rel_embeddings (position_buckets, else max_relative_positions)
 */
record RelativePositions(int buckets, int maxRelative, int span) {

  /** The bucketed relative position of a query at distance {@code relative} = query - key. */
  long bucket(long relative) {
    if (buckets <= 0) {
      return relative;
    }
    int mid = buckets / 2;
    long abs = relative < mid && relative > -mid ? mid - 1 : Math.abs(relative);
    if (abs <= mid) {
      return relative;
    }
    float ratio = (float) Math.log((float) abs / mid) / (float) Math.log((float) ((maxRelative - 1) / (double) mid));
    float logPos = (float) Math.ceil(ratio * (mid - 1)) + mid;
    return (long) logPos * Long.signum(relative);
  }

  /** clamp(p + span, 0, 2 span - 1): the rel_embeddings row. */
  private long row(long p) {
    return Math.max(0, Math.min(2L * span - 1, p + span));
  }

  /**
   * Gather indices [B, H, L, L] over the last axis of c2p scores [B, H, L, 2 span]: entry [i][j] is the row for
   * bucket(i - j). Broadcast from one [L, L] table (torch.gather reads strided indices).
   */
  NDArray contentToPosition(NDManager m, long batch, long heads, int l) {
    long[] idx = new long[l * l];
    for (int i = 0; i < l; i++) {
      for (int j = 0; j < l; j++) {
        idx[i * l + j] = row(bucket(i - j));
      }
    }
    return m.create(idx, new Shape(1, 1, l, l)).broadcast(new Shape(batch, heads, l, l));
  }

  /**
   * Gather indices over the last axis of p2c scores [B, H, L (keys), 2 span], before HF's transpose: entry [j][i] is the
   * row for -bucket(j - i) (p2c_pos = clamp(-relative_pos + span) read at [key j, query i]).
   */
  NDArray positionToContent(NDManager m, long batch, long heads, int l) {
    long[] idx = new long[l * l];
    for (int j = 0; j < l; j++) {
      for (int i = 0; i < l; i++) {
        idx[j * l + i] = row(-bucket(j - i));
      }
    }
    return m.create(idx, new Shape(1, 1, l, l)).broadcast(new Shape(batch, heads, l, l));
  }
}
