package dev.fewstep.distill.codi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.generate.Control;
import dev.fewstep.generate.Generation;
import dev.fewstep.metrics.EvalResult;
import dev.fewstep.metrics.EvalSettings;
import dev.fewstep.metrics.Evaluator;
import dev.fewstep.metrics.Fidelity;
import dev.fewstep.model.DiffusionModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongConsumer;

/**
 * The yardstick of a conditional model: the first n images of the test split (never trained on) give the conditions
 * (chunk by chunk, from {@code new Random(seed + first)}) and the prompts (their labels); image i starts from the noise
 * of seed + i. Scores: the usual FID, precision, recall and prompt score, and the task's fidelity to the test images:
 * super-resolution PSNR and SSIM (and the PSNR of the condition itself, the blocky upscale) and the consistency PSNR (the output pooled 4x against the condition's low-resolution
 * image), inpainting the mean change outside the mask, sketches the edge F1 of the output's edges against the
 * condition.
 */
public final class ConditionalEval {
    private ConditionalEval() {}

    /**
     * @param examples the first images as rows of three (the condition's picture, the output, the test image),
     *     channels-first, for a picture of what the numbers mean
     */
    public record Result(EvalResult quality, Map<String, Double> fidelity, float[] examples, int exampleRows) {}

    /** Rows of examples a result keeps. */
    static final int EXAMPLES = 8;

    public static Result evaluate(DiffusionModel model, Evaluator evaluator, EvalSettings settings, ImageDataset test,
            LongConsumer onImages) {
        Condition condition = ControlledKinds.task(model.info());
        int n = settings.n();
        if (n > test.count()) {
            throw new IllegalArgumentException("--n " + n + ": the test split has " + test.count() + " images");
        }
        int channels = test.channels();
        int size = test.size();
        int length = channels * size * size;
        int conditionLength = condition.channels() * size * size;
        float[] truth = new float[n * length];
        float[] conditions = new float[n * conditionLength];
        float[] pixels = new float[n * length];
        int[] promptIndex = new int[n];
        List<String> vocabulary = evaluator.reference().prompts();
        long start = System.nanoTime();
        double seconds = 0;
        int nfe = 0;
        for (int first = 0; first < n; first += settings.chunk()) {
            int count = Math.min(settings.chunk(), n - first);
            List<String> prompts = new ArrayList<>();
            for (int i = first; i < first + count; i++) {
                test.copyImage(i, truth, i * length);
                prompts.add(test.prompt(i));
                promptIndex[i] = vocabulary.indexOf(test.prompt(i));
            }
            try (NDManager scope = NDManager.newBaseManager()) {
                float[] chunk = java.util.Arrays.copyOfRange(truth, first * length, (first + count) * length);
                NDArray images = scope.create(chunk, new Shape(count, channels, size, size));
                float[] c = condition.make(images, new Random(settings.seed() + first), scope).toFloatArray();
                System.arraycopy(c, 0, conditions, first * conditionLength, c.length);
                Generation.Result result = Generation.generate(model, prompts, settings.seed() + first, settings.budget(),
                        null, new Control(c, count, condition.channels(), size), evaluation -> {});
                System.arraycopy(result.pixels(), 0, pixels, first * length, count * length);
                seconds += result.seconds();
                nfe = result.nfe();
            }
            onImages.accept(first + count);
        }
        EvalResult quality = evaluator.score(model, settings, pixels, promptIndex, nfe, seconds, start);
        int rows = Math.min(EXAMPLES, n);
        float[] examples = new float[rows * 3 * length];
        for (int i = 0; i < rows; i++) {
            // the condition's first channels are its picture (inpainting's mask follows them; a sketch has one channel)
            for (int c = 0; c < channels; c++) {
                int from = i * conditionLength + Math.min(c, condition.channels() - 1) * size * size;
                System.arraycopy(conditions, from, examples, (i * 3) * length + c * size * size, size * size);
            }
            System.arraycopy(pixels, i * length, examples, (i * 3 + 1) * length, length);
            System.arraycopy(truth, i * length, examples, (i * 3 + 2) * length, length);
        }
        return new Result(quality, fidelity(condition, pixels, truth, conditions, n, channels, size), examples, rows);
    }

    static Map<String, Double> fidelity(Condition condition, float[] pixels, float[] truth, float[] conditions, int n,
            int channels, int size) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (condition instanceof SuperResolution sr) {
            out.put("psnr", Fidelity.psnr(pixels, truth, n));
            out.put("ssim", Fidelity.ssim(pixels, truth, n, channels, size));
            // The condition itself as an answer (each low-resolution pixel repeated): what the model must beat.
            out.put("conditionPsnr", Fidelity.psnr(conditions, truth, n));
            out.put("consistencyPsnr", Fidelity.psnr(Fidelity.pool(pixels, n, channels, size, sr.factor()),
                    Fidelity.pool(truth, n, channels, size, sr.factor()), n));
        } else if (condition instanceof Inpainting) {
            float[] masks = new float[n * size * size];
            int plane = size * size;
            for (int i = 0; i < n; i++) {
                System.arraycopy(conditions, (i * (channels + 1) + channels) * plane, masks, i * plane, plane);
            }
            out.put("outsideMaskError", Fidelity.outsideMaskError(pixels, truth, masks, n, channels, size));
            out.put("psnr", Fidelity.psnr(pixels, truth, n));
        } else if (condition instanceof Sketch) {
            try (NDManager scope = NDManager.newBaseManager()) {
                NDArray images = scope.create(pixels, new Shape(n, channels, size, size));
                float[] edges = condition.make(images, new Random(0), scope).toFloatArray();
                out.put("edgeF1", Fidelity.edgeF1(edges, conditions, n));
            }
        }
        return out;
    }
}
