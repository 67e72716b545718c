package dev.fewstep.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.sample.Sampler;
import dev.fewstep.text.TextEncoder;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/** Prompts in, images out: the one path that the CLI, the server and the yardstick all use. */
public final class Generation {
    private Generation() {}

    /** Images and what they cost. {@code pixels} holds {@code count} channels-first images in [-1, 1]. */
    public record Result(float[] pixels, int count, int channels, int size, int nfe, double seconds) {
        public double imagesPerSecond() {
            return count / seconds;
        }
    }

    public static Result generate(DiffusionModel model, GenerateRequest request) {
        return generate(model, request, step -> {});
    }

    /** @param onEvaluation called with the running NFE after each network evaluation */
    public static Result generate(DiffusionModel model, GenerateRequest request, IntConsumer onEvaluation) {
        return generate(model, request, null, onEvaluation);
    }

    /** @param control the condition of a conditional model's images, or null */
    public static Result generate(DiffusionModel model, GenerateRequest request, Control control,
            IntConsumer onEvaluation) {
        return generate(model, request, control, null, onEvaluation);
    }

    /** @param camera a view-conditioned model's camera for every image ({@code Camera.embedding()}), or null */
    public static Result generate(DiffusionModel model, GenerateRequest request, Control control, float[] camera,
            IntConsumer onEvaluation) {
        request.validated();
        return generate(model, Collections.nCopies(request.n(), request.prompt().strip()), request.seed(),
                request.budget(), request.negative(), control, camera, onEvaluation);
    }

    /** One image per prompt; image i starts from the noise of seed {@code firstSeed + i}. */
    public static Result generate(DiffusionModel model, List<String> prompts, long firstSeed, Budget budget,
            IntConsumer onEvaluation) {
        return generate(model, prompts, firstSeed, budget, null, onEvaluation);
    }

    /**
     * @param negative a negative prompt that guidance moves away from instead of "no prompt", or null (models that
     *     do not read cfg ignore it)
     */
    public static Result generate(DiffusionModel model, List<String> prompts, long firstSeed, Budget budget,
            String negative, IntConsumer onEvaluation) {
        return generate(model, prompts, firstSeed, budget, negative, null, onEvaluation);
    }

    /**
     * @param control the condition of a conditional model's images (one shared, or one per prompt), or null for an
     *     unconditional model
     */
    public static Result generate(DiffusionModel model, List<String> prompts, long firstSeed, Budget budget,
            String negative, Control control, IntConsumer onEvaluation) {
        return generate(model, prompts, firstSeed, budget, negative, control, null, onEvaluation);
    }

    /** @param camera a view-conditioned model's camera for every image ({@code Camera.embedding()}), or null */
    public static Result generate(DiffusionModel model, List<String> prompts, long firstSeed, Budget budget,
            String negative, Control control, float[] camera, IntConsumer onEvaluation) {
        // PyTorch records autograd graphs per thread and DJL switches recording off only in the thread that started
        // the engine: in server workers every evaluation would otherwise keep its activations for a backward pass.
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return sample(model, prompts, firstSeed, budget, negative, control, camera, onEvaluation);
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    private static Result sample(DiffusionModel model, List<String> prompts, long firstSeed, Budget budget,
            String negative, Control control, float[] camera, IntConsumer onEvaluation) {
        Denoiser denoiser = model.denoiser();
        int channels = denoiser.imageChannels();
        int size = denoiser.imageSize();
        float[] embeddings = TextEncoder.get().embedAll(prompts);
        // Embedded before the clock starts, like the prompts: the time reported is the generation's.
        float[] unwanted = negative == null ? null
                : TextEncoder.get().embedAll(Collections.nCopies(prompts.size(), negative.strip()));
        long start = System.nanoTime();
        try (NDManager manager = model.manager().newSubManager()) {
            int batch = prompts.size();
            NDArray noise = manager.create(noise(firstSeed, batch, channels * size * size), new Shape(batch, channels, size, size));
            Conditioning conditioning = Conditioning.of(manager.create(embeddings, new Shape(batch, TextEncoder.DIM)));
            if (unwanted != null) {
                conditioning = conditioning.withNegative(manager.create(unwanted, new Shape(batch, TextEncoder.DIM)));
            }
            if (control != null) {
                conditioning = conditioning.withControl(control.batch(manager, 0, batch));
            }
            if (camera != null) {
                conditioning = conditioning.withCamera(manager.create(camera, new Shape(1, camera.length)).repeat(0, batch));
            }
            Sampler.Sample sample = model.generator(counting(denoiser, onEvaluation)).generate(noise, conditioning, budget);
            NDArray images = sample.images();
            // Clipping would turn infinities into white and leave NaN to become black: a broken image, not an answer.
            if (images.isNaN().logicalOr(images.isInfinite()).any().getBoolean()) {
                throw new NonFiniteImagesException(model.name() + " produced non-finite pixels (NaN or infinity) with "
                        + model.generator().describe(budget) + "; its weights may be broken, or try another sampler or cfg");
            }
            float[] pixels = images.clip(-1, 1).toFloatArray();
            // The images' own shape: a latent model samples (C, h, w) latents and returns decoded pixels.
            return new Result(pixels, batch, (int) images.getShape().get(1), (int) images.getShape().get(2),
                    sample.nfe(), (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * One network evaluation (Euler, one step) on as many images as {@code request} asks for and with its guidance,
     * so at the batch shape the request's evaluations will have. PyTorch's first call at a shape sets up its kernels
     * and memory pools, which would otherwise be charged to the request (the first call at a new shape takes visibly
     * longer than the next ones; docs/lab/yardstick.md). Callers that
     * report images/s run this first and report its seconds on their own.
     */
    public static Result warmUp(DiffusionModel model, GenerateRequest request) {
        return warmUp(model, request, null);
    }

    /** The warm-up of a conditional model's request, with its condition. */
    public static Result warmUp(DiffusionModel model, GenerateRequest request, Control control) {
        return warmUp(model, request, control, null);
    }

    /** The warm-up of a view-conditioned model's request, with its camera. */
    public static Result warmUp(DiffusionModel model, GenerateRequest request, Control control, float[] camera) {
        return generate(model, Collections.nCopies(request.n(), "warm up"), request.seed(),
                new Budget("euler", 1, request.cfg()), null, control, camera, evaluation -> {});
    }

    /** Unit Gaussian noise, image i from {@code new Random(firstSeed + i)}: independent of batch size and engine. */
    public static float[] noise(long firstSeed, int count, int length) {
        float[] out = new float[count * length];
        for (int i = 0; i < count; i++) {
            Random random = new Random(firstSeed + i);
            for (int j = 0; j < length; j++) {
                out[i * length + j] = (float) random.nextGaussian();
            }
        }
        return out;
    }

    /**
     * Counts evaluations and runs each one in its own {@link NDManager} scope: the inputs join the scope for the
     * call (operations put their results in the first operand's manager), so the network's activations are freed
     * on return and only the output moves back to the caller's manager. Without it a call's memory grows with
     * prompts x NFE instead of staying at one evaluation's activations.
     */
    private static Denoiser counting(Denoiser denoiser, IntConsumer onEvaluation) {
        return new Denoiser() {
            private int evaluations;

            @Override
            public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning) {
                NDManager caller = x.getManager();
                NDArray out;
                try (NDManager scope = caller.newSubManager()) {
                    x.tempAttach(scope);
                    sigma.tempAttach(scope);
                    conditioning.textEmbedding().tempAttach(scope);
                    conditioning.isNull().tempAttach(scope);
                    if (conditioning.negative() != null) {
                        conditioning.negative().tempAttach(scope);
                    }
                    if (conditioning.control() != null) {
                        conditioning.control().tempAttach(scope);
                    }
                    if (conditioning.camera() != null) {
                        conditioning.camera().tempAttach(scope);
                    }
                    out = denoiser.denoise(x, sigma, conditioning);
                    out.attach(caller);
                }
                onEvaluation.accept(++evaluations);
                return out;
            }

            @Override
            public int imageChannels() {
                return denoiser.imageChannels();
            }

            @Override
            public int imageSize() {
                return denoiser.imageSize();
            }
        };
    }
}
