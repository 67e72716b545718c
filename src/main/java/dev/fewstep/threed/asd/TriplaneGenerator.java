package dev.fewstep.threed.asd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fewstep.nn.Dense;
import dev.fewstep.nn.Layer;
import dev.fewstep.nn.NativeMemory;
import dev.fewstep.threed.Triplane;

/**
 * The amortized text-to-3D generator (ScaleDreamer, Ma et al. 2024, Sec. 3.3: a prompt-conditioned radiance field in
 * one forward pass). The paper's Triplane-Transformer / Hyper-iNGP is played by a small MLP decoder from the prompt's
 * sentence embedding to triplanes (B, 3, C, R, R); each 3D point reads its feature with {@link Triplane#lookup}
 * (EG3D) and a tiny MLP turns it into a density and a colour:
 * σ(p) = softplus(a(p) + b(p)), b(p) = blob · (1 − ‖p‖ / r_blob) (Magic3D's density blob), c(p) = sigmoid(c̃(p)).
 */
public final class TriplaneGenerator extends Layer {
    private final GeneratorConfig config;
    private final Dense in;
    private final Dense middle;
    private final Dense planes;
    private final Dense pointIn;
    private final Dense pointOut;

    public TriplaneGenerator(GeneratorConfig config) {
        this.config = config.validated();
        in = addChildBlock("decoder_in", new Dense(config.textDim(), config.hidden(), 1.0));
        middle = addChildBlock("decoder_middle", new Dense(config.hidden(), config.hidden(), 1.0));
        planes = addChildBlock("decoder_planes", new Dense(config.hidden(), (int) config.planeValues(), 1.0));
        pointIn = addChildBlock("point_in", new Dense(config.channels(), config.pointHidden(), 1.0));
        pointOut = addChildBlock("point_out", new Dense(config.pointHidden(), 4, 1.0));
    }

    public static TriplaneGenerator create(GeneratorConfig config, NDManager manager) {
        TriplaneGenerator generator = new TriplaneGenerator(config);
        generator.initialize(manager, DataType.FLOAT32);
        return generator;
    }

    public GeneratorConfig config() {
        return config;
    }

    /** Prompt embeddings (B, textDim) → triplanes (B, 3, C, R, R). */
    public NDArray planes(NDArray embeddings) {
        NDArray h = silu(middle.apply(silu(in.apply(embeddings))));
        return planes.apply(h).reshape(-1, 3, config.channels(), config.resolution(), config.resolution());
    }

    /**
     * The radiance field at points (B, N, 3) in [−1, 1]³: density σ ≥ 0 (B, N) and colour in [0, 1] (B, N, 3).
     */
    public NDList field(NDArray triplanes, NDArray points) {
        NDArray features = Triplane.lookup(triplanes, points);
        NDArray out = pointOut.apply(silu(pointIn.apply(features)));
        NDArray raw = out.get("..., 0");
        NDArray radius = points.square().sum(new int[] {-1}).add(1e-12f).sqrt();
        NDArray bump = NativeMemory.times(NativeMemory.plus(NativeMemory.times(radius, -1 / config.blobRadius()), 1),
                config.blob());
        NDArray sigma = softplus(raw.add(bump.stopGradient()));
        NDArray colour = ai.djl.nn.Activation.sigmoid(out.get("..., 1:4"));
        return new NDList(sigma, colour);
    }

    /** softplus(x) = max(x, 0) + log(1 + exp(−|x|)), stable for large |x|. */
    static NDArray softplus(NDArray x) {
        return x.maximum(0f).add(NativeMemory.plus(x.abs().neg().exp(), 1).log());
    }

    @Override
    public NDArray apply(NDArray embeddings) {
        return planes(embeddings);
    }
}
