package dev.fewstep.metrics.features;

import ai.djl.ndarray.NDArray;
import dev.fewstep.nn.Conv;
import dev.fewstep.nn.Dense;
import dev.fewstep.nn.GroupNorm;
import dev.fewstep.nn.Layer;
import dev.fewstep.nn.MaxPool;
import java.util.ArrayList;
import java.util.List;

/**
 * A small VGG-style image encoder: per stage conv 3x3, group norm, SiLU, 2x2 max pool; then flatten, dense,
 * SiLU. Its output is the feature vector that FID, precision and recall are measured in.
 */
public final class ConvEncoder extends Layer {
    private final EncoderConfig config;
    private final List<Stage> stages = new ArrayList<>();
    private final MaxPool pool;
    private final Dense dense;

    private record Stage(Conv conv, GroupNorm norm) {}

    public ConvEncoder(EncoderConfig config) {
        this.config = config;
        int in = config.imageChannels();
        int[] widths = config.widths();
        for (int i = 0; i < widths.length; i++) {
            Conv conv = addChildBlock("conv" + i, new Conv(in, widths[i], 3, 1.0));
            GroupNorm norm = addChildBlock("norm" + i, new GroupNorm(widths[i], config.groups()));
            stages.add(new Stage(conv, norm));
            in = widths[i];
        }
        pool = addChildBlock("pool", new MaxPool());
        dense = addChildBlock("dense", new Dense(config.flatLength(), config.featureDim(), 1.0));
    }

    public EncoderConfig config() {
        return config;
    }

    /** (B, C, H, W) images in [-1, 1] to (B, featureDim) features. */
    @Override
    public NDArray apply(NDArray x) {
        NDArray h = x;
        for (Stage stage : stages) {
            h = pool.apply(silu(stage.norm().apply(stage.conv().apply(h))));
        }
        return silu(dense.apply(h.reshape(h.getShape().get(0), config.flatLength())));
    }
}
