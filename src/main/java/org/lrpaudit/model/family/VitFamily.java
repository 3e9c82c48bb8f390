package org.lrpaudit.model.family;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.Activations;
import org.lrpaudit.model.AttentionHook;
import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.model.ImageFamily;
import org.lrpaudit.model.ImageNetwork;
import org.lrpaudit.model.ModelConfig;
import org.lrpaudit.model.Network;
import org.lrpaudit.model.PatchGrid;
import org.lrpaudit.model.PreNormLayer;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.Weights;
import org.lrpaudit.rules.PropagationRules;

/**
 * ViTForImageClassification (transformers/models/vit/modeling_vit.py): ViTPatchEmbeddings (Conv2d with kernel = stride =
 * patch_size, applied here as the linear map it is on flattened patches), [CLS] (cls_token) in front, learned
 * position_embeddings added: h0, where relevance is read. Then ViTLayers (pre-norm: layernorm_before, attention,
 * residual, layernorm_after, intermediate + act, output + residual), the final vit.layernorm, and classifier on [CLS]
 * (ViTForImageClassification builds ViTModel without its pooler).
 *
 * <p>Rule points: AH in every attention, LN at layernorm_before, layernorm_after and the final layernorm, identity on the
 * FFN activation. h0 has no LayerNorm after it (pre-norm), so relevance at h0 is the residual stream's input.
 */
public final class VitFamily extends NamedFamily implements ImageFamily {
  /** Longest image side accepted from config.json: far above real ViTs (224 to 518), far below overflowing counts. */
  public static final int MAX_IMAGE_SIZE = 4096;

  public VitFamily() {
    super("vit", "ViTForImageClassification");
  }

  @Override
  public ModelConfig readConfig(String type, ModelConfig.Fields f, List<String> labels) {
    PatchGrid grid = grid(f);
    return new ModelConfig(type, 0, f.integer("hidden_size"), f.integer("num_hidden_layers"),
        f.integer("num_attention_heads"), f.integer("intermediate_size"), grid.length(), 0,
        f.number("layer_norm_eps", 1e-12), f.text("hidden_act", "gelu"), labels, f);
  }

  /** image_size, patch_size and num_channels (ViTConfig's defaults 224, 16, 3), checked. */
  static PatchGrid grid(ModelConfig.Fields f) {
    int size = f.integerOr("image_size", 224);
    int patch = f.integerOr("patch_size", 16);
    int channels = f.integerOr("num_channels", 3);
    if (size > MAX_IMAGE_SIZE) {
      throw new CheckpointException(f.source() + ": image_size " + size + " is above the " + MAX_IMAGE_SIZE
          + " lrp-audit accepts");
    }
    if (channels != 1 && channels != 3) {
      throw new CheckpointException(f.source() + ": num_channels " + channels + " is not supported (1: grayscale, "
          + "3: RGB)");
    }
    if (patch > size || size % patch != 0) {
      throw new CheckpointException(f.source() + ": image_size " + size + " is not a multiple of patch_size " + patch
          + " (the patches would not cover the image)");
    }
    return new PatchGrid(channels, size, size, patch);
  }

  @Override
  public Network build(ModelConfig c, Weights w) {
    ModelConfig.Fields f = c.fields();
    PatchGrid grid = grid(f);
    int d = c.hiddenSize();
    double eps = c.layerNormEps();
    boolean qkvBias = f.flag("qkv_bias", true);
    NDArray cls = w.tensor("vit.embeddings.cls_token", 1, 1, d);
    Weights.Linear patch = w.patchProjection("vit.embeddings.patch_embeddings.projection", d, grid.channels(),
        grid.patch(), grid.patch());
    NDArray positions = w.tensor("vit.embeddings.position_embeddings", 1, grid.length(), d);
    List<PreNormLayer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "vit.encoder.layer." + i + ".";
      layers.add(new PreNormLayer(
          w.layerNorm(p + "layernorm_before", d, eps),
          w.linear(p + "attention.attention.query", d, d, qkvBias),
          w.linear(p + "attention.attention.key", d, d, qkvBias),
          w.linear(p + "attention.attention.value", d, d, qkvBias),
          w.linear(p + "attention.output.dense", d, d),
          w.layerNorm(p + "layernorm_after", d, eps),
          w.linear(p + "intermediate.dense", d, c.intermediateSize()),
          w.linear(p + "output.dense", c.intermediateSize(), d),
          c.numHeads(), Activations.byName(c.hiddenAct())));
    }
    w.requireNoUnusedLayers(List.of("vit.encoder.layer."), c.numLayers());
    return new Vit(grid, patch, cls, positions, layers, w.layerNorm("vit.layernorm", d, eps),
        w.linear("classifier", d, c.numLabels()));
  }

  record Vit(PatchGrid grid, Weights.Linear patch, NDArray cls, NDArray positions, List<PreNormLayer> layers,
      Weights.LayerNormParams finalNorm, Weights.Linear classifier) implements ImageNetwork {

    @Override
    public NDArray embedPixels(NDArray pixels) {
      long b = pixels.getShape().get(0);
      int p = grid.patch();
      // [B, C, H, W] -> [B, rows, cols, C, p, p] -> [B, patches, C * p * p]: each patch flattened in the conv weight's
      // (channel, row, column) order, patches row by row as Conv2d(...).flatten(2).transpose(1, 2) numbers them.
      NDArray patches = pixels.reshape(b, grid.channels(), grid.rows(), p, grid.cols(), p)
          .transpose(0, 2, 4, 1, 3, 5).reshape(b, grid.patches(), (long) grid.channels() * p * p);
      NDArray embedded = patch.apply(patches);
      NDArray clsRows = cls.broadcast(new Shape(b, 1, cls.getShape().get(2)));
      clsRows.attach(pixels.getManager()); // made from a weight: it would live in the model's manager otherwise
      return NDArrays.concat(new NDList(clsRows, embedded), 1).addi(positions);
    }

    @Override
    public NDArray encode(NDArray h0, NDArray maskBias, PropagationRules rules, AttentionHook hook) {
      NDArray h = h0;
      for (int i = 0; i < layers.size(); i++) {
        h = layers.get(i).forward(h, maskBias, rules, hook, i);
      }
      return rules.layerNorm(h, finalNorm.gamma(), finalNorm.beta(), finalNorm.eps()); // rule point: LN
    }

    @Override
    public NDArray head(NDArray hidden, NDArray maskBias, PropagationRules rules) {
      return classifier.apply(hidden.get(new NDIndex(":, 0, :")));
    }
  }

  @Override
  public void writeConfig(String type, RandomCheckpoint.Spec s, RandomCheckpoint.ImageSpec image, ObjectNode c) {
    c.putArray("architectures").add(architecture());
    c.put("hidden_size", s.hidden()).put("num_hidden_layers", s.layers()).put("num_attention_heads", s.heads())
        .put("intermediate_size", s.intermediate()).put("hidden_act", s.activation()).put("layer_norm_eps", 1e-12)
        .put("image_size", image.imageSize()).put("patch_size", image.patchSize())
        .put("num_channels", image.channels()).put("qkv_bias", true);
  }
}
