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
 * ElectraForSequenceClassification (transformers/models/electra/modeling_electra.py): BERT's embeddings of width
 * embedding_size and LayerNorm (h0), then electra.embeddings_project to hidden_size when the two differ, BERT's layers,
 * and ElectraClassificationHead on the first token: classifier.dense + GELU (always the exact "gelu", whatever hidden_act
 * says) + classifier.out_proj. No pooler.
 */
public final class ElectraFamily extends NamedFamily {
  public ElectraFamily() {
    super("electra", "ElectraForSequenceClassification");
  }

  @Override
  public ModelConfig readConfig(String type, ModelConfig.Fields f, List<String> labels) {
    return ModelConfig.bertFields(type, f, labels, "gelu");
  }

  @Override
  public Network build(ModelConfig c, Weights w) {
    int d = c.hiddenSize();
    int e = c.fields().integerOr("embedding_size", d);
    Embeddings emb = BertFamily.bertEmbeddings(w, "electra.embeddings.", c, e);
    Weights.Linear project = e != d ? w.linear("electra.embeddings_project", e, d) : null;
    List<EncoderLayer> layers = BertFamily.bertLayers(w, "electra.encoder.layer.", c);
    ClassifierHead head = new ClassifierHead(w.linear("classifier.dense", d, d), Activations.byName("gelu"),
        w.linear("classifier.out_proj", d, c.numLabels()));
    return new StackedEncoder(emb, project, layers, head);
  }

  @Override
  public void writeConfig(String type, RandomCheckpoint.Spec s, GeneratedTokenizer.Vocabulary vocab, ObjectNode c) {
    c.put("max_position_embeddings", s.maxPositions());
    c.putArray("architectures").add(architecture());
    // embedding_size below hidden_size, as in ELECTRA-small's discriminator: the projection is exercised.
    c.put("embedding_size", Math.max(8, s.hidden() / 2));
    BertFamily.bertSizes(c, s).put("type_vocab_size", 2).put("layer_norm_eps", 1e-12)
        .put("pad_token_id", vocab.padId());
  }

  @Override
  public GeneratedTokenizer tokenizer(String type) {
    return GeneratedTokenizer.WORDPIECE;
  }
}
