package org.lrpaudit.model;

/**
 * Token ids of several texts, right-padded to a common length, row-major [size, length]. lengths[i] real tokens are
 * followed by padding, which the attention mask hides.
 */
public record EncodedBatch(long[] ids, long[] typeIds, int[] lengths, int size, int length) {

  public static EncodedBatch of(java.util.List<long[]> idRows, java.util.List<long[]> typeRows, long padId) {
    int size = idRows.size();
    int length = 0;
    for (long[] r : idRows) {
      length = Math.max(length, r.length);
    }
    long[] ids = new long[size * length];
    long[] types = new long[size * length];
    int[] lengths = new int[size];
    java.util.Arrays.fill(ids, padId);
    for (int i = 0; i < size; i++) {
      long[] r = idRows.get(i);
      System.arraycopy(r, 0, ids, i * length, r.length);
      System.arraycopy(typeRows.get(i), 0, types, i * length, r.length);
      lengths[i] = r.length;
    }
    return new EncodedBatch(ids, types, lengths, size, length);
  }

  /** 1 for real tokens, 0 for padding, [size, length]. */
  public float[] mask() {
    float[] m = new float[size * length];
    for (int i = 0; i < size; i++) {
      java.util.Arrays.fill(m, i * length, i * length + lengths[i], 1f);
    }
    return m;
  }
}
