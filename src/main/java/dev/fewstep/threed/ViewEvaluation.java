package dev.fewstep.threed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generation;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.text.TextEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * How well a view-conditioned teacher draws a prompt from a camera, against the truth the shapes world gives: each
 * sample is compared with the {@link SdfRenderer} image of the prompt's scene (parsed back with {@link Captions#parse},
 * sizes included) from the same camera, by PSNR and by silhouette IoU; and, as a control, with the truth from the
 * camera turned 90° in azimuth, which a sample that ignores the view matches as well as the right one. The shapes
 * classifier's render prompt accuracy says whether the sample shows the prompt at all.
 */
public final class ViewEvaluation {
    /** Images sampled per batch. */
    static final int BATCH = 32;
    /**
     * A pixel is foreground when some channel is further than this from the background grey, in [0, 1] units (the
     * darkest shaded colour of the palette is further than 0.3 from 0.8 in at least one channel).
     */
    static final double SILHOUETTE_THRESHOLD = 0.1;
    private static final int SIZE = MakeShapes.SIZE;
    private static final int LENGTH = 3 * SIZE * SIZE;

    private ViewEvaluation() {}

    /**
     * @param renderPromptAccuracy fraction of samples the classifier reads as their prompt (NaN without a classifier)
     * @param psnr mean over samples of the PSNR (dB, peak 1) against the truth from the same camera
     * @param silhouetteIou mean silhouette IoU against the truth from the same camera
     * @param turnedPsnr the same against the truth from the camera turned by 90° in azimuth
     * @param turnedIou the same
     * @param truthAccuracy the classifier's render prompt accuracy on the truth renders themselves (its ceiling here)
     */
    public record Result(int count, double renderPromptAccuracy, double psnr, double silhouetteIou, double turnedPsnr,
            double turnedIou, double truthAccuracy, double seconds) {}

    /** Samples of the prompts, image i from camera i and the noise of seed {@code seed + i}, in [−1, 1]. */
    public static float[] sample(DiffusionModel teacher, List<String> prompts, List<Camera> cameras, Budget budget,
            long seed) {
        if (prompts.size() != cameras.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + cameras.size() + " cameras");
        }
        if (teacher.info().config().cameraDim() != Camera.EMBEDDING_SIZE) {
            throw new IllegalArgumentException(teacher.name() + " is not view-conditioned (it was trained without cameras)");
        }
        float[] out = new float[prompts.size() * LENGTH];
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int first = 0; first < prompts.size(); first += BATCH) {
                int size = Math.min(BATCH, prompts.size() - first);
                float[] text = TextEncoder.get().embedAll(prompts.subList(first, first + size));
                float[] views = new float[size * Camera.EMBEDDING_SIZE];
                for (int i = 0; i < size; i++) {
                    System.arraycopy(cameras.get(first + i).embedding(), 0, views, i * Camera.EMBEDDING_SIZE,
                            Camera.EMBEDDING_SIZE);
                }
                try (NDManager scope = teacher.manager().newSubManager()) {
                    NDArray noise = scope.create(Generation.noise(seed + first, size, LENGTH), new Shape(size, 3, SIZE, SIZE));
                    Conditioning conditioning = Conditioning.of(scope.create(text, new Shape(size, TextEncoder.DIM)))
                            .withCamera(scope.create(views, new Shape(size, Camera.EMBEDDING_SIZE)));
                    float[] images = teacher.generator(scoped(teacher.denoiser())).generate(noise, conditioning, budget)
                            .images().clip(-1, 1).toFloatArray();
                    System.arraycopy(images, 0, out, first * LENGTH, images.length);
                }
            }
        } finally {
            JniUtils.setGradMode(recording);
        }
        return out;
    }

    /**
     * Each evaluation in its own scope, only its output kept: otherwise a batch's activations of every step stay alive
     * until the batch ends (gigabytes at 32 images × 16 steps × guidance).
     */
    private static Denoiser scoped(Denoiser denoiser) {
        return new Denoiser() {
            @Override
            public NDArray denoise(NDArray x, NDArray sigma, Conditioning c) {
                NDManager caller = x.getManager();
                try (NDManager scope = caller.newSubManager()) {
                    for (NDArray input : new NDArray[] {x, sigma, c.textEmbedding(), c.isNull(), c.negative(), c.camera()}) {
                        if (input != null) {
                            input.tempAttach(scope);
                        }
                    }
                    NDArray out = denoiser.denoise(x, sigma, c);
                    out.attach(caller);
                    return out;
                }
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

    /** Truth renders of the prompts' scenes, image i from camera i, in [−1, 1] (2 × 2 rays a pixel, as the dataset). */
    public static float[] truth(List<String> prompts, List<Camera> cameras) {
        SdfRenderer renderer = new SdfRenderer(SIZE, 2);
        float[] out = new float[prompts.size() * LENGTH];
        for (int i = 0; i < prompts.size(); i++) {
            float[] picture = renderer.render(Captions.parse(prompts.get(i)).field(), cameras.get(i)).signed();
            System.arraycopy(picture, 0, out, i * LENGTH, LENGTH);
        }
        return out;
    }

    /** Samples the teacher at the cameras and compares with the truth; {@code classifier} may be null. */
    public static Result measure(DiffusionModel teacher, RenderPromptAccuracy classifier, List<String> prompts,
            List<Camera> cameras, Budget budget, long seed) {
        long start = System.nanoTime();
        float[] samples = sample(teacher, prompts, cameras, budget, seed);
        double seconds = (System.nanoTime() - start) / 1e9;
        float[] truth = truth(prompts, cameras);
        float[] turned = truth(prompts, cameras.stream()
                .map(c -> new Camera((c.azimuthDegrees() + 90) % 360, c.elevationDegrees())).toList());
        int n = prompts.size();
        double psnr = 0;
        double iou = 0;
        double turnedPsnr = 0;
        double turnedIou = 0;
        for (int i = 0; i < n; i++) {
            psnr += psnr(samples, truth, i);
            iou += silhouetteIou(samples, truth, i);
            turnedPsnr += psnr(samples, turned, i);
            turnedIou += silhouetteIou(samples, turned, i);
        }
        double accuracy = classifier == null ? Double.NaN : mean(classifier.matches(samples, n, prompts));
        double truthAccuracy = classifier == null ? Double.NaN : mean(classifier.matches(truth, n, prompts));
        return new Result(n, accuracy, psnr / n, iou / n, turnedPsnr / n, turnedIou / n, truthAccuracy, seconds);
    }

    /** 10 log10(1 / MSE) of image i, pixels mapped from [−1, 1] to [0, 1]. */
    static double psnr(float[] a, float[] b, int i) {
        double sum = 0;
        for (int k = i * LENGTH; k < (i + 1) * LENGTH; k++) {
            double d = (a[k] - b[k]) / 2.0;
            sum += d * d;
        }
        return 10 * Math.log10(LENGTH / Math.max(sum, 1e-12));
    }

    /** Foreground of image i: some channel further than {@link #SILHOUETTE_THRESHOLD} from the background grey. */
    static boolean[] silhouette(float[] images, int i) {
        boolean[] mask = new boolean[SIZE * SIZE];
        int plane = SIZE * SIZE;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                double value = (images[i * LENGTH + c * plane + p] + 1) / 2;
                mask[p] |= Math.abs(value - SdfRenderer.BACKGROUND) > SILHOUETTE_THRESHOLD;
            }
        }
        return mask;
    }

    /** |A ∩ B| / |A ∪ B| of the silhouettes of image i (1 when both are empty). */
    static double silhouetteIou(float[] a, float[] b, int i) {
        boolean[] x = silhouette(a, i);
        boolean[] y = silhouette(b, i);
        int both = 0;
        int either = 0;
        for (int p = 0; p < x.length; p++) {
            both += x[p] && y[p] ? 1 : 0;
            either += x[p] || y[p] ? 1 : 0;
        }
        return either == 0 ? 1 : (double) both / either;
    }

    /** {@code count} prompts of a split: held-out scenes drawn with {@link SceneSampler}, or the teacher's own captions. */
    public static List<String> prompts(String split, DiffusionModel teacher, int count, long seed) {
        Random random = new Random(seed);
        List<String> prompts = new ArrayList<>();
        switch (split) {
            case "held-out" -> {
                SceneSampler sampler = new SceneSampler(SceneSampler.Split.HELD_OUT);
                for (int i = 0; i < count; i++) {
                    prompts.add(sampler.sample(random).caption());
                }
            }
            case "train" -> {
                List<String> vocabulary = teacher.info().prompts();
                if (vocabulary.isEmpty()) {
                    throw new IllegalArgumentException(teacher.name() + " names no training prompts");
                }
                for (int i = 0; i < count; i++) {
                    prompts.add(vocabulary.get(random.nextInt(vocabulary.size())));
                }
            }
            default -> throw new IllegalArgumentException("--prompts must be held-out or train, got " + split);
        }
        return prompts;
    }

    /** One camera of the dataset's range per prompt, from {@code new Random(seed)}. */
    public static List<Camera> cameras(int count, long seed) {
        Random random = new Random(seed);
        List<Camera> cameras = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cameras.add(Camera.random(random));
        }
        return cameras;
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
