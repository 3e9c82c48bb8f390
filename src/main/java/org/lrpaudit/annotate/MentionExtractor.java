package org.lrpaudit.annotate;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Turns one annotated row (row, id, text, then one CHUNK column per matcher) into mention rows: converts Spark NLP's
 * inclusive chunk end into an exclusive end, drops guarded matches (terms that are also ordinary words) at the start of
 * a sentence and matches right after one of their lexicon's not-after words (surname particles), lowers the priority
 * of matches right after one of their lexicon's yield-after words (place prepositions before an ambiguous name),
 * resolves overlaps between lexicons ({@link MentionResolver}), and takes the surface from the text itself.
 */
final class MentionExtractor implements FlatMapFunction<Row, Row> {
  private final int[] lexiconOfColumn;
  private final boolean[] guarded;
  private final String[] names;
  private final String[] kinds;
  private final int[] priorities;
  private final List<Set<String>> notAfter;
  private final List<Set<String>> yieldAfter;
  /** Added to a lexicon's priority after one of its yield-after words: it then loses to every other lexicon. */
  static final int YIELDED = 1_000_000;

  MentionExtractor(int[] lexiconOfColumn, boolean[] guarded, List<LexiconTerms> lexicons) {
    this.lexiconOfColumn = lexiconOfColumn.clone();
    this.guarded = guarded.clone();
    this.names = lexicons.stream().map(l -> l.spec().name()).toArray(String[]::new);
    this.kinds = lexicons.stream().map(l -> l.spec().kind()).toArray(String[]::new);
    this.priorities = lexicons.stream().mapToInt(l -> l.spec().priority()).toArray();
    this.notAfter = lexicons.stream().map(l -> l.spec().notAfter()).toList();
    this.yieldAfter = lexicons.stream().map(l -> l.spec().yieldAfter()).toList();
  }

  @Override
  public Iterator<Row> call(Row r) {
    long row = r.getLong(0);
    String id = r.getString(1);
    String text = r.getString(2);
    List<MentionResolver.Match> matches = new ArrayList<>();
    for (int c = 0; c < lexiconOfColumn.length; c++) {
      if (r.isNullAt(3 + c)) {
        continue;
      }
      int lexicon = lexiconOfColumn[c];
      for (Row chunk : r.<Row>getList(3 + c)) {
        int begin = chunk.getInt(chunk.fieldIndex("begin"));
        int endInclusive = chunk.getInt(chunk.fieldIndex("end"));
        if (guarded[c] && startsSentence(text, begin)
            || !notAfter.get(lexicon).isEmpty() && notAfter.get(lexicon).contains(previousWord(text, begin))) {
          continue;
        }
        int priority = priorities[lexicon];
        if (!yieldAfter.get(lexicon).isEmpty() && yieldAfter.get(lexicon).contains(previousWord(text, begin))) {
          priority += YIELDED;
        }
        matches.add(new MentionResolver.Match(begin, endInclusive + 1, lexicon, priority));
      }
    }
    List<Row> out = new ArrayList<>();
    for (MentionResolver.Match m : MentionResolver.resolve(matches)) {
      out.add(RowFactory.create(id, m.start(), m.end(), text.substring(m.start(), m.end()), kinds[m.lexicon()],
          names[m.lexicon()], row));
    }
    return out.iterator();
  }

  /**
   * The word just before {@code start}, lowercased: letters back from the first letter found, skipping spaces and
   * apostrophes ("de palma" and "o'fallon" give "de" and "o"); empty if there is none.
   */
  static String previousWord(String text, int start) {
    int i = start - 1;
    while (i >= 0 && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == '\'' || text.charAt(i) == '\u2019')) {
      i--;
    }
    int end = i + 1;
    while (i >= 0 && Character.isLetter(text.charAt(i))) {
      i--;
    }
    return text.substring(i + 1, end).toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Whether position {@code start} begins a sentence: nothing but spaces and opening quotes or brackets before it, back
   * to the start of the text or to a '.', '!', '?' or an ellipsis. A capital there does not make a word a name.
   */
  static boolean startsSentence(String text, int start) {
    for (int i = start - 1; i >= 0; i--) {
      char ch = text.charAt(i);
      if (Character.isWhitespace(ch) || "\"'\u201C\u2018([{-\u2013\u2014*".indexOf(ch) >= 0) {
        continue;
      }
      return ch == '.' || ch == '!' || ch == '?' || ch == '\u2026' || ch == ':';
    }
    return true;
  }
}
