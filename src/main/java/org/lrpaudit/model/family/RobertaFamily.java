package org.lrpaudit.model.family;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.lrpaudit.model.Activations;
import org.lrpaudit.model.ClassifierHead;
import org.lrpaudit.model.Embeddings;
import org.lrpaudit.model.EncoderLayer;
import org.lrpaudit.model.GeneratedTokenizer;
import org.lrpaudit.model.ModelConfig;
import org.lrpaudit.model.Network;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.StackedEncoder;
import org.lrpaudit.model.Weights;

/**
 * RobertaForSequenceClassification and XLMRobertaForSequenceClassification (transformers/models/roberta/modeling_roberta.py,
 * xlm_roberta/modeling_xlm_roberta.py; both keep their encoder under "roberta."): BERT's layers, but position ids offset by
 * padding_idx (create_position_ids_from_input_ids: padding_idx + 1 + i for real tokens, padding_idx for padding), one
 * token type, no pooler, and the head classifier.dense + tanh + classifier.out_proj on &lt;s&gt;. RoBERTa ships a byte-level
 * BPE tokenizer, XLM-R a SentencePiece Unigram one.
 */
public final class RobertaFamily extends NamedFamily {
  public static final RobertaFamily ROBERTA = new RobertaFamily("roberta", "RobertaForSequenceClassification",
      GeneratedTokenizer.ROBERTA_BPE);
  public static final RobertaFamily XLM_ROBERTA = new RobertaFamily("xlm-roberta",
      "XLMRobertaForSequenceClassification", GeneratedTokenizer.XLMR_UNIGRAM);

  private final GeneratedTokenizer tokenizer;

  private RobertaFamily(String type, String architecture, GeneratedTokenizer tokenizer) {
    super(type, architecture);
    this.tokenizer = tokenizer;
  }

  @Override
  public ModelConfig readConfig(String t, ModelConfig.Fields f, List<String> labels) {
    int positions = f.integer("max_position_embeddings") - paddingIdx(f) - 1;
    if (positions < 2) {
      throw new org.lrpaudit.model.CheckpointException(f.source() + ": max_position_embeddings "
          + f.integer("max_position_embeddings") + " leaves no positions after the padding offset " + (paddingIdx(f) + 1));
    }
    return new ModelConfig(t, f.integer("vocab_size"), f.integer("hidden_size"), f.integer("num_hidden_layers"),
        f.integer("num_attention_heads"), f.integer("intermediate_size"), positions,
        f.integerOr("type_vocab_size", 1), f.number("layer_norm_eps", 1e-5), f.text("hidden_act", "gelu"), labels, f);
  }

  private static int paddingIdx(ModelConfig.Fields f) {
    return f.nonNegative("pad_token_id", 1);
  }

  @Override
  public Network build(ModelConfig c, Weights w) {
    int d = c.hiddenSize();
    int paddingIdx = paddingIdx(c.fields());
    Embeddings emb = new Embeddings(
        w.tensor("roberta.embeddings.word_embeddings.weight", c.vocabSize(), d),
        w.tensor("roberta.embeddings.position_embeddings.weight", c.fields().integer("max_position_embeddings"), d),
        paddingIdx,
        w.tensor("roberta.embeddings.token_type_embeddings.weight", c.typeVocabSize(), d),
        null,
        w.layerNorm("roberta.embeddings.LayerNorm", d, c.layerNormEps()),
        false);
    List<EncoderLayer> layers = BertFamily.bertLayers(w, "roberta.encoder.layer.", c);
    ClassifierHead head = new ClassifierHead(w.linear("classifier.dense", d, d), Activations.byName("tanh"),
        w.linear("classifier.out_proj", d, c.numLabels()));
    return new StackedEncoder(emb, null, layers, head);
  }

  @Override
  public void writeConfig(String t, RandomCheckpoint.Spec s, GeneratedTokenizer.Vocabulary vocab, ObjectNode c) {
    c.put("max_position_embeddings", s.maxPositions() + vocab.padId() + 1);
    c.putArray("architectures").add(architecture());
    BertFamily.bertSizes(c, s).put("type_vocab_size", 1).put("layer_norm_eps", 1e-5).put("pad_token_id", vocab.padId())
        .put("bos_token_id", vocab.clsId()).put("eos_token_id", vocab.sepId());
  }

  @Override
  public GeneratedTokenizer tokenizer(String t) {
    return tokenizer;
  }
}
