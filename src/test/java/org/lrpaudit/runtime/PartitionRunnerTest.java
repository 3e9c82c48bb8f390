package org.lrpaudit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lrpaudit.explain.NonFiniteRelevanceException;
import org.lrpaudit.explain.TokenBudget;

/**
 * PartitionRunner.inBatches without a model: the batch call is a plain function of the row indices, so what each row
 * gets, and which batches ran, can be computed independently here.
 */
class PartitionRunnerTest {
  private static final TokenBudget BUDGET = new TokenBudget(12, 64);
  // lengths 3: four rows per 12-token batch, so rows 0-3 and 4-7 share batches.
  private static final int[] LENGTHS = {3, 3, 3, 3, 3, 3, 3, 3};
  private static final List<String> TEXTS = List.of("a", "b", "bad", "d", "e", "f", "g", "h");

  @Test
  void resultsComeBackInInputOrder() {
    List<List<Integer>> batches = new ArrayList<>();
    List<RowResult<Integer>> out = PartitionRunner.inBatches(BUDGET, LENGTHS, TEXTS,
        batch -> batch.stream().map(i -> 10 * i).toList(), batches::add);
    for (int i = 0; i < LENGTHS.length; i++) {
      assertEquals(new RowResult.Done<>(10 * i), out.get(i));
    }
    assertEquals(2, batches.size(), "8 rows of 3 tokens in 12-token batches");
    assertEquals(8, batches.stream().mapToInt(List::size).sum());
  }

  @Test
  void aFailingRowFailsAloneAndItsNeighboursAreRedone() {
    List<List<Integer>> calls = new ArrayList<>();
    List<RowResult<Integer>> out = PartitionRunner.inBatches(BUDGET, LENGTHS, TEXTS, batch -> {
      calls.add(batch);
      if (batch.contains(2)) {
        throw new IllegalStateException("row 2 breaks its batch");
      }
      return batch.stream().map(i -> 10 * i).toList();
    }, null);
    RowResult.Failed<Integer> failed = assertInstanceOf(RowResult.Failed.class, out.get(2));
    assertEquals(RowError.EXPLAIN_FAILED, failed.error().status());
    assertEquals("java.lang.IllegalStateException: row 2 breaks its batch", failed.error().message());
    for (int i : List.of(0, 1, 3, 4, 5, 6, 7)) {
      assertEquals(new RowResult.Done<>(10 * i), out.get(i), "row " + i);
    }
    // two batches, then the failed batch's 4 rows one by one
    assertEquals(2 + 4, calls.size());
  }

  @Test
  void aBadTargetIsTheRowsOwnError() {
    List<RowResult<Integer>> out = PartitionRunner.inBatches(BUDGET, LENGTHS, TEXTS, batch -> {
      if (batch.contains(5)) {
        throw new IllegalArgumentException("no class 7");
      }
      return batch.stream().map(i -> i).toList();
    }, null);
    assertEquals(new RowResult.Failed<>(new RowError(RowError.BAD_TARGET, "no class 7")), out.get(5));
    assertEquals(new RowResult.Done<>(4), out.get(4));
  }

  @Test
  void aNumericalFaultFailsTheWholeBatchWithoutRetry() {
    List<List<Integer>> calls = new ArrayList<>();
    List<RowResult<Integer>> out = PartitionRunner.inBatches(BUDGET, LENGTHS, TEXTS, batch -> {
      calls.add(batch);
      if (batch.contains(6)) {
        throw new NonFiniteRelevanceException("3 of 12 relevance values are not finite");
      }
      return batch.stream().map(i -> i).toList();
    }, null);
    assertEquals(2, calls.size(), "not recomputed row by row");
    List<Integer> faulty = calls.stream().filter(b -> b.contains(6)).findFirst().orElseThrow();
    for (int i = 0; i < LENGTHS.length; i++) {
      if (faulty.contains(i)) {
        assertEquals(new RowResult.Failed<>(new RowError(RowError.EXPLAIN_FAILED,
            "3 of 12 relevance values are not finite")), out.get(i));
      } else {
        assertEquals(new RowResult.Done<>(i), out.get(i));
      }
    }
  }

  @Test
  void anInterceptorSeesEveryBatchAndCanFailARow() {
    FaultInjection.failBatchesWith("bad");
    try {
      List<RowResult<String>> out = PartitionRunner.inBatches(BUDGET, LENGTHS, TEXTS,
          batch -> batch.stream().map(TEXTS::get).toList(), null);
      assertInstanceOf(RowResult.Failed.class, out.get(2));
      assertEquals(new RowResult.Done<>("d"), out.get(3));
    } finally {
      FaultInjection.clear();
    }
  }
}
