package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.function.UnaryOperator;
import org.lrpaudit.rules.PropagationRules;

/**
 * logits = out(act(hidden(h[:, 0]))) on the first token ([CLS] or &lt;s&gt;): BERT's and ALBERT's tanh pooler + classifier,
 * DistilBERT's pre_classifier + ReLU + classifier, RoBERTa's classifier.dense + tanh + classifier.out_proj, ELECTRA's
 * classifier.dense + GELU + classifier.out_proj, DeBERTa's ContextPooler + classifier.
 */
public record ClassifierHead(Weights.Linear hidden, UnaryOperator<NDArray> activation, Weights.Linear out) {

  public NDArray apply(NDArray h, PropagationRules rules) {
    NDArray cls = h.get(new NDIndex(":, 0, :"));
    return out.apply(rules.activation(hidden.apply(cls), activation)); // rule point: identity for activations
  }
}
