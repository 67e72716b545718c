package dev.fewstep.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import dev.fewstep.nn.Conv;
import dev.fewstep.nn.GroupNorm;
import dev.fewstep.nn.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * E(x): the image to the moments of q(z | x), a (B, 2 * latentChannels, h, w) tensor holding the mean and the log
 * variance (Rombach et al. 2022, Section 3 and Appendix G). Each level is residual blocks then a 2x2 average pool;
 * the last level has no pool.
 */
final class Encoder extends Layer {
    private final Conv input;
    private final List<List<ConvResBlock>> levels = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv output;

    Encoder(AutoencoderConfig config) {
        input = addChildBlock("input", new Conv(config.imageChannels(), config.channels(0), 3, 1.0));
        int ch = config.channels(0);
        for (int level = 0; level < config.levels(); level++) {
            List<ConvResBlock> blocks = new ArrayList<>();
            for (int i = 0; i < config.resBlocksPerLevel(); i++) {
                blocks.add(addChildBlock("level" + level + "_res" + i, new ConvResBlock(ch, config.channels(level))));
                ch = config.channels(level);
            }
            levels.add(blocks);
        }
        outNorm = addChildBlock("outNorm", GroupNorm.of(ch));
        output = addChildBlock("output", new Conv(ch, 2 * config.latentChannels(), 3, 1.0));
    }

    @Override
    public NDArray apply(NDArray x) {
        NDArray h = input.apply(x);
        for (int level = 0; level < levels.size(); level++) {
            for (ConvResBlock block : levels.get(level)) {
                h = block.apply(h);
            }
            if (level < levels.size() - 1) {
                h = Pool.avgPool2d(h, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
            }
        }
        return output.apply(silu(outNorm.apply(h)));
    }
}
