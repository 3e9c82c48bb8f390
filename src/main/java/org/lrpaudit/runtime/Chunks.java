package org.lrpaudit.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * A partition's rows cut into chunks of at most chunkRows and mapped chunk by chunk, lazily: a chunk is the unit that is
 * tokenized, sorted by length and batched, and it bounds what a task holds in memory. After each chunk glibc's free
 * pages are returned (see NativeMemory), which keeps an executor's resident set flat over many chunks.
 */
public final class Chunks<I, O> implements Iterator<O> {
  /** Trim glibc's free pages after every chunk; -Dlrp.audit.trim-native-memory=false turns it off. */
  static final boolean TRIM_NATIVE_MEMORY =
      Boolean.parseBoolean(System.getProperty("lrp.audit.trim-native-memory", "true"));

  private final Iterator<I> input;
  private final int chunkRows;
  private final Function<List<I>, List<O>> map;
  private Iterator<O> out = Collections.emptyIterator();

  public Chunks(Iterator<I> input, int chunkRows, Function<List<I>, List<O>> map) {
    this.input = input;
    this.chunkRows = chunkRows;
    this.map = map;
  }

  @Override
  public boolean hasNext() {
    while (!out.hasNext() && input.hasNext()) {
      List<I> chunk = new ArrayList<>(Math.min(chunkRows, 4096));
      while (chunk.size() < chunkRows && input.hasNext()) {
        chunk.add(input.next());
      }
      out = map.apply(chunk).iterator();
      if (TRIM_NATIVE_MEMORY) {
        NativeMemory.releaseFreePages();
      }
    }
    return out.hasNext();
  }

  @Override
  public O next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return out.next();
  }
}
