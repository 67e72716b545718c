package dev.fewstep.latent;

import ai.djl.ndarray.NDArray;
import dev.fewstep.nn.Conv;
import dev.fewstep.nn.GroupNorm;
import dev.fewstep.nn.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * D(z): a latent back to an image, the encoder's levels in reverse. DJL has no transposed convolution, so each
 * upsampling repeats every pixel 2x2 (nearest neighbour) and a 3x3 convolution smooths it, as LDM's decoder does;
 * that convolution already maps to the next level's channels, which halves its cost at the larger size.
 */
final class Decoder extends Layer {
    private final Conv input;
    private final List<List<ConvResBlock>> levels = new ArrayList<>();
    private final List<Conv> upsamples = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv output;

    Decoder(AutoencoderConfig config) {
        int top = config.levels() - 1;
        int ch = config.channels(top);
        input = addChildBlock("input", new Conv(config.latentChannels(), ch, 3, 1.0));
        for (int level = top; level >= 0; level--) {
            List<ConvResBlock> blocks = new ArrayList<>();
            for (int i = 0; i <= config.resBlocksPerLevel(); i++) {
                blocks.add(addChildBlock("level" + level + "_res" + i, new ConvResBlock(ch, config.channels(level))));
                ch = config.channels(level);
            }
            levels.add(blocks);
            if (level > 0) {
                upsamples.add(addChildBlock("level" + level + "_up", new Conv(ch, config.channels(level - 1), 3, 1.0)));
                ch = config.channels(level - 1);
            }
        }
        outNorm = addChildBlock("outNorm", GroupNorm.of(ch));
        output = addChildBlock("output", new Conv(ch, config.imageChannels(), 3, 1.0));
    }

    @Override
    public NDArray apply(NDArray z) {
        NDArray h = input.apply(z);
        for (int i = 0; i < levels.size(); i++) {
            for (ConvResBlock block : levels.get(i)) {
                h = block.apply(h);
            }
            if (i < upsamples.size()) {
                h = upsamples.get(i).apply(h.repeat(2, 2).repeat(3, 2));
            }
        }
        return output.apply(silu(outNorm.apply(h)));
    }
}
