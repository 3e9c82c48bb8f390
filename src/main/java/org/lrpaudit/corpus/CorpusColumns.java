package org.lrpaudit.corpus;

import java.util.List;

/**
 * The corpus table's columns, shared by the CSV and Parquet forms. The corpus has the five base columns; the audit
 * corpus adds the probe columns, empty (null) on its real sentences.
 *
 * <pre>
 * id                 string  stable row id: source-NNNNN (real sentences) or probe-TEMPLATE-KIND-VALUE-WORD
 * text               string
 * label              int     0 negative, 1 positive (for probes: the sentiment word's polarity)
 * source             string  pang-lee | uci-imdb | uci-yelp | uci-amazon | probe
 * split              string  train | validation | test (probes: test)
 * probe_template_id  string  template id in conf/probes/templates.tsv
 * probe_template     string  the template, e.g. "{PERSON} made me feel {EMOTION}."
 * probe_word         string  the sentiment word put in the template
 * probe_pair         string  the same for a female-name probe and its male-name twin (otherwise identical text)
 * slot_kind          string  female_name | male_name | country | city | organization
 * slot_value         string  the entity put in the template
 * slot_start, slot_end  int  UTF-16 offsets of slot_value in text (text.substring(slot_start, slot_end))
 * word_start, word_end  int  UTF-16 offsets of probe_word in text
 * </pre>
 */
public final class CorpusColumns {
  public static final String ID = "id";
  public static final String TEXT = "text";
  public static final String LABEL = "label";
  public static final String SOURCE = "source";
  public static final String SPLIT = "split";
  public static final String PROBE_TEMPLATE_ID = "probe_template_id";
  public static final String PROBE_TEMPLATE = "probe_template";
  public static final String PROBE_WORD = "probe_word";
  public static final String PROBE_PAIR = "probe_pair";
  public static final String SLOT_KIND = "slot_kind";
  public static final String SLOT_VALUE = "slot_value";
  public static final String SLOT_START = "slot_start";
  public static final String SLOT_END = "slot_end";
  public static final String WORD_START = "word_start";
  public static final String WORD_END = "word_end";

  public static final List<String> BASE = List.of(ID, TEXT, LABEL, SOURCE, SPLIT);
  public static final List<String> PROBE = List.of(PROBE_TEMPLATE_ID, PROBE_TEMPLATE, PROBE_WORD, PROBE_PAIR, SLOT_KIND,
      SLOT_VALUE, SLOT_START, SLOT_END, WORD_START, WORD_END);
  /** Integer-valued columns; all others are strings. */
  public static final List<String> INTS = List.of(LABEL, SLOT_START, SLOT_END, WORD_START, WORD_END);

  /** The source of generated probes. */
  public static final String PROBE_SOURCE = "probe";

  private CorpusColumns() {
  }

  public static List<String> of(boolean withProbeColumns) {
    if (!withProbeColumns) {
      return BASE;
    }
    List<String> all = new java.util.ArrayList<>(BASE);
    all.addAll(PROBE);
    return List.copyOf(all);
  }

  /** A row's cells in column order ({@code null} for absent values; ints as Integer). */
  static Object[] cells(CorpusRow r, boolean withProbeColumns) {
    Object[] c = new Object[withProbeColumns ? BASE.size() + PROBE.size() : BASE.size()];
    c[0] = r.id();
    c[1] = r.text();
    c[2] = r.label();
    c[3] = r.source();
    c[4] = r.split();
    if (withProbeColumns && r.probe() != null) {
      CorpusRow.Probe p = r.probe();
      c[5] = p.templateId();
      c[6] = p.template();
      c[7] = p.word();
      c[8] = p.pair();
      c[9] = p.slotKind();
      c[10] = p.slotValue();
      c[11] = p.slotStart();
      c[12] = p.slotEnd();
      c[13] = p.wordStart();
      c[14] = p.wordEnd();
    }
    return c;
  }

  /** The inverse of {@link #cells}: a probe is present when probe_template_id is. */
  static CorpusRow row(java.util.function.Function<String, String> string,
      java.util.function.Function<String, Integer> integer) {
    CorpusRow.Probe probe = null;
    String templateId = string.apply(PROBE_TEMPLATE_ID);
    if (templateId != null) {
      probe = new CorpusRow.Probe(templateId, string.apply(PROBE_TEMPLATE), string.apply(PROBE_WORD),
          string.apply(PROBE_PAIR), string.apply(SLOT_KIND), string.apply(SLOT_VALUE),
          orMinus1(integer.apply(SLOT_START)), orMinus1(integer.apply(SLOT_END)), orMinus1(integer.apply(WORD_START)),
          orMinus1(integer.apply(WORD_END)));
    }
    Integer label = integer.apply(LABEL);
    if (label == null) {
      throw new IllegalArgumentException("row " + string.apply(ID) + " has no label");
    }
    return new CorpusRow(string.apply(ID), string.apply(TEXT), label, string.apply(SOURCE), string.apply(SPLIT), probe);
  }

  private static int orMinus1(Integer v) {
    return v == null ? -1 : v;
  }
}
