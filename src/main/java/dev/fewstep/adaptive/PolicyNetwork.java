package dev.fewstep.adaptive;

import ai.djl.ndarray.NDArray;
import dev.fewstep.nn.Dense;
import dev.fewstep.nn.Layer;

/**
 * π(a | e): a prompt embedding e (384-d MiniLM) to logits over the actions, through one hidden layer. The paper
 * reads the text with a few self-attention layers; a single sentence embedding needs no attention.
 */
public final class PolicyNetwork extends Layer {
    private final Dense hidden;
    private final Dense out;

    public PolicyNetwork(int embeddingDim, int hiddenDim, int actions) {
        hidden = addChildBlock("hidden", new Dense(embeddingDim, hiddenDim, 1.0));
        // Zero output weights: the policy starts uniform, so every action is tried equally at first.
        out = addChildBlock("out", new Dense(hiddenDim, actions, 0.0));
    }

    /** (B, embeddingDim) to (B, actions) logits. */
    @Override
    public NDArray apply(NDArray embedding) {
        return out.apply(silu(hidden.apply(embedding)));
    }
}
