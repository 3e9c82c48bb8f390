package org.lrpaudit.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The parts of a HuggingFace tokenizer.json that every generated tokenizer writes alike ({@link GeneratedTokenizer},
 * {@link WordPieceVocabulary}): the header with the special tokens, and the TemplateProcessing post-processor.
 */
final class TokenizerJson {
  private TokenizerJson() {}

  /** version, truncation, padding and added_tokens (every special token; RoBERTa's &lt;mask&gt; strips the space before it). */
  static ObjectNode withSpecialTokens(List<String> specials, Map<String, Integer> vocab) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (String s : specials) {
      added.addObject().put("id", vocab.get(s)).put("content", s).put("single_word", false)
          .put("lstrip", s.equals("<mask>")).put("rstrip", false).put("normalized", false).put("special", true);
    }
    return root;
  }

  /**
   * TemplateProcessing: cls A sep for one text; cls A sep (sep) B sep for a pair, B with type id typeB (BERT: 1;
   * RoBERTa-style templates written this way: 0, with sep twice between the texts).
   */
  static void templateProcessing(ObjectNode post, String cls, String sep, int typeB, boolean sepTwice,
      Map<String, Integer> vocab) {
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    special(single, cls, 0);
    sequence(single, "A", 0);
    special(single, sep, 0);
    ArrayNode pair = post.putArray("pair");
    special(pair, cls, 0);
    sequence(pair, "A", 0);
    special(pair, sep, 0);
    if (sepTwice) {
      special(pair, sep, 0);
    }
    sequence(pair, "B", typeB);
    special(pair, sep, typeB);
    ObjectNode specialTokens = post.putObject("special_tokens");
    for (String s : List.of(cls, sep)) {
      ObjectNode t = specialTokens.putObject(s);
      t.put("id", s);
      t.putArray("ids").add(vocab.get(s));
      t.putArray("tokens").add(s);
    }
  }

  private static void special(ArrayNode a, String id, int type) {
    a.addObject().putObject("SpecialToken").put("id", id).put("type_id", type);
  }

  private static void sequence(ArrayNode a, String id, int type) {
    a.addObject().putObject("Sequence").put("id", id).put("type_id", type);
  }
}
