package org.lrpaudit.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Freed malloc blocks trapped below a live one stay resident until NativeMemory trims them (Linux, glibc). */
class NativeMemoryTest {
  private static final int BLOCKS = 1500;
  private static final int BLOCK_BYTES = 100 * 1024; // below glibc's initial mmap threshold: served from an arena

  @Test
  void trimReturnsFragmentedFreePagesToTheSystem() throws Exception {
    assertTrue(NativeMemory.available(), "malloc_trim not found: this test expects Linux with glibc");
    List<Memory> blocks = new ArrayList<>();
    for (int i = 0; i < BLOCKS; i++) {
      Memory m = new Memory(BLOCK_BYTES);
      m.setMemory(0, BLOCK_BYTES, (byte) 1); // touch every page
      blocks.add(m);
    }
    Memory live = new Memory(64); // pins the arena's top, so free() alone cannot give the pages back
    long before = residentBytes();
    blocks.forEach(Memory::close);
    long afterFree = residentBytes();
    NativeMemory.releaseFreePages();
    long afterTrim = residentBytes();
    live.close();
    long freedMb = (afterFree - afterTrim) >> 20;
    // ~146 MB were freed by the program; at least 100 MB must leave the resident set only through the trim
    assertTrue(before - afterFree < (50L << 20), "free() alone released " + ((before - afterFree) >> 20) + " MB");
    assertTrue(freedMb >= 100, "trim released only " + freedMb + " MB");
  }

  private static long residentBytes() throws Exception {
    String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
    return Long.parseLong(statm[1]) * 4096;
  }
}
