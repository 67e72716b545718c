package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * The raw network F of the EDM denoiser: a U-Net over 32x32 images conditioned on the noise level and a
 * prompt. The prompt's sentence embedding enters twice: added to the noise-level embedding (adaptive group
 * norm in every residual block) and as context tokens for cross-attention. A learned null embedding stands
 * in for the prompt where it was dropped, which is what classifier-free guidance subtracts. A view-conditioned network
 * ({@code cameraDim} &gt; 0) also takes each sample's camera: see {@link CameraToken}.
 */
public final class UNet extends Layer {
    private static final int FOURIER_DIM = 64;

    private final UNetConfig config;
    private final Dense noise1;
    private final Dense noise2;
    private final Dense text1;
    private final Dense text2;
    private final Dense contextProjection;
    private final Parameter nullEmbedding;
    private final CameraToken camera;
    private final Conv input;
    private final List<Stage> down = new ArrayList<>();
    private final ResBlock middle1;
    private final AttentionBlock middleAttention;
    private final ResBlock middle2;
    private final List<Stage> up = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv output;
    private final boolean withDecoder;
    private final List<Integer> encoderSkipChannels;

    /** One step of the U: a residual block with optional attention, or a resampling. */
    private record Stage(ResBlock res, AttentionBlock attention, boolean downsample, boolean upsample) {}

    public UNet(UNetConfig config) {
        this(config, true);
    }

    /** @param withDecoder false for the encoder and middle block alone, named as in the whole network (ControlNet) */
    private UNet(UNetConfig config, boolean withDecoder) {
        this.config = config;
        this.withDecoder = withDecoder;
        int emb = config.embeddingDim();
        noise1 = addChildBlock("noise1", new Dense(FOURIER_DIM, emb, 1.0));
        noise2 = addChildBlock("noise2", new Dense(emb, emb, 1.0));
        text1 = addChildBlock("text1", new Dense(config.textDim(), emb, 1.0));
        text2 = addChildBlock("text2", new Dense(emb, emb, 1.0));
        contextProjection = addChildBlock(
                "context", new Dense(config.textDim(), config.contextTokens() * config.contextDim(), 1.0));
        nullEmbedding = parameter("nullEmbedding", new Shape(1, config.textDim()), fanIn(1, 0.05));
        camera = config.cameraDim() > 0
                ? addChildBlock("camera", new CameraToken(config.cameraDim(), config.contextDim(), emb)) : null;

        int ch = config.baseChannels();
        input = addChildBlock("input", new Conv(config.imageChannels(), ch, 3, 1.0));
        List<Integer> skipChannels = new ArrayList<>();
        skipChannels.add(ch);
        int resolution = config.imageSize();
        int[] mult = config.channelMultipliers();
        for (int level = 0; level < mult.length; level++) {
            int out = config.baseChannels() * mult[level];
            for (int i = 0; i < config.resBlocksPerLevel(); i++) {
                ResBlock res = addChildBlock("down" + level + "_res" + i, new ResBlock(ch, out, emb));
                AttentionBlock attention = config.hasAttention(resolution)
                        ? addChildBlock("down" + level + "_attn" + i,
                                new AttentionBlock(out, config.heads(), config.contextDim()))
                        : null;
                down.add(new Stage(res, attention, false, false));
                ch = out;
                skipChannels.add(ch);
            }
            if (level < mult.length - 1) {
                down.add(new Stage(null, null, true, false));
                skipChannels.add(ch);
                resolution /= 2;
            }
        }
        encoderSkipChannels = List.copyOf(skipChannels);
        middle1 = addChildBlock("middle1", new ResBlock(ch, ch, emb));
        middleAttention = addChildBlock("middleAttn", new AttentionBlock(ch, config.heads(), config.contextDim()));
        middle2 = addChildBlock("middle2", new ResBlock(ch, ch, emb));
        if (!withDecoder) {
            outNorm = null;
            output = null;
            return;
        }
        for (int level = mult.length - 1; level >= 0; level--) {
            int out = config.baseChannels() * mult[level];
            for (int i = 0; i <= config.resBlocksPerLevel(); i++) {
                int skip = skipChannels.remove(skipChannels.size() - 1);
                ResBlock res = addChildBlock("up" + level + "_res" + i, new ResBlock(ch + skip, out, emb));
                AttentionBlock attention = config.hasAttention(resolution)
                        ? addChildBlock("up" + level + "_attn" + i,
                                new AttentionBlock(out, config.heads(), config.contextDim()))
                        : null;
                up.add(new Stage(res, attention, false, false));
                ch = out;
            }
            if (level > 0) {
                up.add(new Stage(null, null, false, true));
                resolution *= 2;
            }
        }
        outNorm = addChildBlock("outNorm", GroupNorm.of(ch));
        output = addChildBlock("output", new Conv(ch, config.imageChannels(), 3, 0.0));
    }

    public UNetConfig config() {
        return config;
    }

    /** Builds and initialises a network; its parameters live in {@code manager}. */
    public static UNet create(UNetConfig config, NDManager manager) {
        UNet net = new UNet(config);
        net.initialize(manager, DataType.FLOAT32);
        return net;
    }

    /** The encoder and middle block alone ({@link #encoderFeatures}), not initialised. */
    static UNet encoderOnly(UNetConfig config) {
        return new UNet(config, false);
    }

    /** Channels of the skip connections in the order the encoder makes them (full resolution first). */
    List<Integer> skipChannels() {
        return encoderSkipChannels;
    }

    /**
     * @param x (B, C, H, W) the preconditioned input c_in * x
     * @param cNoise (B) the preconditioned noise level c_noise(sigma)
     * @param textEmbedding (B, textDim) prompt embeddings
     * @param isNull (B) 1 where the prompt is dropped (the null embedding is used), else 0
     */
    public NDArray apply(NDArray x, NDArray cNoise, NDArray textEmbedding, NDArray isNull) {
        return apply(x, cNoise, textEmbedding, isNull, (NDArray) null);
    }

    /** @param cameras (B, cameraDim) for a view-conditioned network, null for one without a camera */
    public NDArray apply(NDArray x, NDArray cNoise, NDArray textEmbedding, NDArray isNull, NDArray cameras) {
        return OpTimes.time(OpTimes.ELEMENTWISE,
                () -> decode(encode(x, cNoise, textEmbedding, isNull, cameras, null), null));
    }

    /**
     * Features added to the decoder's inputs (ControlNet, Zhang et al. 2023, Section 3.2 and Fig. 3): one per skip
     * connection in the order the encoder makes them (full resolution first) and one to the middle block's output.
     */
    public record Residuals(List<NDArray> skips, NDArray middle) {}

    /**
     * {@link #apply} with {@code residuals} added to the skip connections and the middle block's output; the encoder's
     * own features enter the middle block unchanged, as in ControlNet's locked network.
     */
    public NDArray apply(NDArray x, NDArray cNoise, NDArray textEmbedding, NDArray isNull, Residuals residuals) {
        Encoded encoded = encode(x, cNoise, textEmbedding, isNull, null, null);
        List<NDArray> shallowFirst = new ArrayList<>(encoded.skips());
        Collections.reverse(shallowFirst);
        if (residuals.skips().size() != shallowFirst.size()) {
            throw new IllegalArgumentException(residuals.skips().size() + " skip residuals for "
                    + shallowFirst.size() + " skip connections");
        }
        Deque<NDArray> controlled = new ArrayDeque<>();
        for (int i = 0; i < shallowFirst.size(); i++) {
            controlled.push(shallowFirst.get(i).add(residuals.skips().get(i)));
        }
        return decode(new Encoded(encoded.features(), controlled, encoded.embedding(), encoded.context()),
                residuals.middle());
    }

    /**
     * The encoder's skip features (full resolution first) and the middle block's output, with {@code inputFeatures}
     * added to the input convolution's output: what a ControlNet's trainable copy hands to its zero convolutions.
     */
    public Residuals encoderFeatures(NDArray x, NDArray cNoise, NDArray textEmbedding, NDArray isNull,
            NDArray inputFeatures) {
        Encoded encoded = encode(x, cNoise, textEmbedding, isNull, null, inputFeatures);
        List<NDArray> shallowFirst = new ArrayList<>(encoded.skips());
        Collections.reverse(shallowFirst);
        return new Residuals(shallowFirst, middle(encoded));
    }

    /** The network's output and its encoder logits from one pass (see {@link #encoderLogits}). */
    public record OutputWithLogits(NDArray output, NDArray logits) {}

    /** {@link #apply} and {@link #encoderLogits} sharing the encoder pass. */
    public OutputWithLogits applyWithLogits(NDArray x, NDArray cNoise, NDArray textEmbedding, NDArray isNull) {
        Encoded encoded = encode(x, cNoise, textEmbedding, isNull, null, null);
        NDArray logits = logits(encoded);
        return new OutputWithLogits(decode(encoded, null), logits);
    }

    /**
     * The discriminator that SiDA (Zhou et al. 2024, arXiv 2410.14919, Section 3) builds into the fake score
     * network without new parameters: the encoder's output at the lowest resolution (before the middle blocks),
     * averaged over channels, one logit per spatial position.
     *
     * @return (B, 1, r, r) logits, r the lowest resolution (8 for 32x32 images with three levels)
     */
    public NDArray encoderLogits(NDArray x, NDArray cNoise, NDArray textEmbedding, NDArray isNull) {
        return logits(encode(x, cNoise, textEmbedding, isNull, null, null));
    }

    /** What the encoder hands to the decoder: features, skip connections, and the two conditioning signals. */
    private record Encoded(NDArray features, Deque<NDArray> skips, NDArray embedding, NDArray context) {}

    /** {@code cameras}: (B, cameraDim) or null ({@link CameraToken}); {@code inputFeatures}: added to the input
     * convolution's output, or null. */
    private Encoded encode(NDArray x, NDArray cNoise, NDArray textEmbedding, NDArray isNull, NDArray cameras,
            NDArray inputFeatures) {
        NDArray mask = isNull.reshape(-1, 1);
        NDArray text = textEmbedding.mul(mask.neg().add(1)).add(mask.mul(nullEmbedding.getArray()));
        NDArray emb = noise2.apply(silu(noise1.apply(fourierFeatures(cNoise))))
                .add(text2.apply(silu(text1.apply(text))));
        NDArray context = contextProjection.apply(text).reshape(-1, config.contextTokens(), config.contextDim());
        CameraToken.Embedded view = CameraToken.embed(camera, cameras, x.getShape().get(0));
        if (view != null) {
            emb = emb.add(view.embedding());
            context = NDArrays.concat(new NDList(context, view.token()), 1);
        }

        NDArray h = input.apply(x);
        if (inputFeatures != null) {
            h = h.add(inputFeatures);
        }
        Deque<NDArray> skips = new ArrayDeque<>();
        skips.push(h);
        for (Stage stage : down) {
            if (stage.downsample()) {
                h = Pool.avgPool2d(h, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
            } else {
                h = stage.res().apply(h, emb);
                if (stage.attention() != null) {
                    h = stage.attention().apply(h, context);
                }
            }
            skips.push(h);
        }
        return new Encoded(h, skips, emb, context);
    }

    private static NDArray logits(Encoded encoded) {
        return encoded.features().mean(new int[] {1}, true);
    }

    private NDArray middle(Encoded encoded) {
        NDArray emb = encoded.embedding();
        return middle2.apply(middleAttention.apply(middle1.apply(encoded.features(), emb), encoded.context()), emb);
    }

    /** @param middleResidual added to the middle block's output, or null */
    private NDArray decode(Encoded encoded, NDArray middleResidual) {
        if (!withDecoder) {
            throw new UnsupportedOperationException("this network is an encoder alone (a ControlNet's copy)");
        }
        NDArray emb = encoded.embedding();
        NDArray context = encoded.context();
        Deque<NDArray> skips = encoded.skips();
        NDArray h = middle(encoded);
        if (middleResidual != null) {
            h = h.add(middleResidual);
        }
        for (Stage stage : up) {
            if (stage.upsample()) {
                h = h.repeat(2, 2).repeat(3, 2);
            } else {
                h = stage.res().apply(NDArrays.concat(new NDList(h, skips.pop()), 1), emb);
                if (stage.attention() != null) {
                    h = stage.attention().apply(h, context);
                }
            }
        }
        return output.apply(silu(outNorm.apply(h)));
    }

    /** Sinusoidal features of the noise level (Vaswani et al. 2017), frequencies spread geometrically. */
    private static NDArray fourierFeatures(NDArray cNoise) {
        int half = FOURIER_DIM / 2;
        NDManager manager = cNoise.getManager();
        NDArray frequencies = manager.arange(half).toType(DataType.FLOAT32, false)
                .mul(-Math.log(10000.0) / half).exp().mul(1000.0 / 4); // c_noise spans ~[-2, 1.5]
        NDArray angles = cNoise.reshape(-1, 1).mul(frequencies.reshape(1, -1));
        return NDArrays.concat(new NDList(angles.cos(), angles.sin()), 1);
    }

    @Override
    public NDArray apply(NDArray x) {
        throw new UnsupportedOperationException("UNet needs noise level and prompt: apply(x, cNoise, text, isNull)");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(inputs.get(0), inputs.get(1), inputs.get(2), inputs.get(3)));
    }

    public long parameterCount() {
        return getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }
}
