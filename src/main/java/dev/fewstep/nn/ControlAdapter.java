package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.fewstep.model.Weights;
import java.util.ArrayList;
import java.util.List;

/**
 * A ControlNet (Zhang et al. 2023, "Adding Conditional Control to Text-to-Image Diffusion Models", Section 3.1,
 * Eq. 1 and 2) for a {@link UNet}: a trainable copy of the network's encoder and middle block, started from the
 * frozen network's weights, reads the same (preconditioned) input, noise level and prompt, plus a condition image c
 * entering through a zero-initialised 1x1 convolution Z(c; Theta_z1) added to the copy's input-convolution output.
 * Each of the copy's skip features and its middle-block output goes through its own zero-initialised 1x1 convolution
 * Z(.; Theta_z2) and is added to the frozen network's matching skip connection or middle-block output
 * ({@link UNet.Residuals}).
 *
 * <p>Section 3.1's argument: with every Z at zero the controlled network is the frozen one exactly, and no harmful
 * noise reaches its features at the start of training. The condition feeds into the copy's full-resolution features
 * rather than its pixels (Eq. 2 writes x + Z(c)) because the condition's channels differ from the image's; the
 * official code also adds the hint's features after the first input block.
 */
public final class ControlAdapter extends Layer {
    private final UNet copy;
    private final Conv hint;
    private final List<Conv> skipOutputs = new ArrayList<>();
    private final Conv middleOutput;
    private final int conditionChannels;

    private ControlAdapter(UNetConfig config, int conditionChannels) {
        this.conditionChannels = conditionChannels;
        copy = addChildBlock("copy", UNet.encoderOnly(config));
        hint = addChildBlock("hint", new Conv(conditionChannels, config.baseChannels(), 1, 0.0));
        List<Integer> skips = copy.skipChannels();
        for (int i = 0; i < skips.size(); i++) {
            skipOutputs.add(addChildBlock("zero" + i, new Conv(skips.get(i), skips.get(i), 1, 0.0)));
        }
        int deepest = skips.get(skips.size() - 1);
        middleOutput = addChildBlock("zeroMiddle", new Conv(deepest, deepest, 1, 0.0));
    }

    /**
     * An adapter for {@code frozen}: its copy starts from frozen's encoder weights, its zero convolutions at zero.
     * Frozen's parameters are not touched (freezing them is the caller's choice: they may be shared).
     */
    public static ControlAdapter of(UNet frozen, int conditionChannels, NDManager manager) {
        ControlAdapter adapter = new ControlAdapter(frozen.config(), conditionChannels);
        adapter.initialize(manager, DataType.FLOAT32);
        Weights.load(adapter.copy, Weights.of(frozen), "the frozen network");
        return adapter;
    }

    public int conditionChannels() {
        return conditionChannels;
    }

    /**
     * The residuals for the frozen network's skip connections and middle block.
     *
     * @param x (B, C, H, W) the preconditioned input c_in x, as the frozen network sees it
     * @param condition (B, conditionChannels, H, W) the condition image, not scaled by c_in: it does not carry the noise
     */
    public UNet.Residuals residuals(NDArray x, NDArray cNoise, NDArray textEmbedding, NDArray isNull, NDArray condition) {
        UNet.Residuals features = copy.encoderFeatures(x, cNoise, textEmbedding, isNull, hint.apply(condition));
        List<NDArray> skips = new ArrayList<>();
        for (int i = 0; i < skipOutputs.size(); i++) {
            skips.add(skipOutputs.get(i).apply(features.skips().get(i)));
        }
        return new UNet.Residuals(skips, middleOutput.apply(features.middle()));
    }

    @Override
    public NDArray apply(NDArray x) {
        throw new UnsupportedOperationException("ControlAdapter needs the noise level, prompt and condition: residuals(...)");
    }

    public long parameterCount() {
        long count = 0;
        for (Pair<String, Parameter> p : getParameters()) {
            count += p.getValue().getArray().size();
        }
        return count;
    }

    /** The shape a condition must have for a batch of {@code batch} images of this network. */
    public Shape conditionShape(long batch) {
        UNetConfig config = copy.config();
        return new Shape(batch, conditionChannels, config.imageSize(), config.imageSize());
    }
}
