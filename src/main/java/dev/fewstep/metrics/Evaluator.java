package dev.fewstep.metrics;

import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generation;
import dev.fewstep.generate.Generator;
import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.model.DiffusionModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Measures generators against one feature network and its reference set: generates n samples with prompts
 * spread evenly over the vocabulary, then computes FID (with its real-vs-real floor at the same n),
 * precision and recall (k = 3) and the prompt score. Reuse one evaluator for several runs (a benchmark): the
 * reference statistics and the floors are computed once.
 */
public final class Evaluator {
    private final FeatureModel features;
    private final ReferenceSet reference;
    private final GaussianStatistics referenceStatistics;
    private final Map<Integer, Floor> floors = new HashMap<>();

    /** What n real floor images score: the best a generator of n samples can hope for. */
    public record Floor(double fid, int count, double precision, double recall) {}

    public Evaluator(FeatureModel features, ReferenceSet reference) {
        if (!features.digest().equals(reference.featureDigest()) || features.featureDim() != reference.dim()) {
            throw new IllegalArgumentException("the reference features were computed with other weights than "
                    + features.name() + "'s; delete " + ReferenceSet.FILE + " to recompute them");
        }
        this.features = features;
        this.reference = reference;
        this.referenceStatistics = reference.referenceStatistics();
    }

    public FeatureModel features() {
        return features;
    }

    public ReferenceSet reference() {
        return reference;
    }

    public Floor floor(int n) {
        return floors.computeIfAbsent(n, count -> {
            int[] wanted = PromptSpread.indices(count, reference.prompts().size());
            ReferenceSet.Selection floorImages = reference.selectFloor(wanted);
            ReferenceSet.Selection real = reference.selectReference(wanted);
            double fid = FrechetDistance.between(
                    GaussianStatistics.of(floorImages.features(), floorImages.count(), reference.dim()), referenceStatistics);
            PrecisionRecall pr = PrecisionRecall.compute(real.features(), real.count(), floorImages.features(),
                    floorImages.count(), reference.dim());
            return new Floor(fid, floorImages.count(), pr.precision(), pr.recall());
        });
    }

    /** Generates and scores {@code settings.n()} samples; {@code onImages} hears the number generated so far. */
    public EvalResult evaluate(DiffusionModel model, EvalSettings settings, LongConsumer onImages) {
        if (!model.info().prompts().containsAll(reference.prompts())) {
            throw new IllegalArgumentException(model.name() + " was trained on " + model.info().dataset() + "; "
                    + features.name() + " measures " + features.info().dataset() + " and its prompts are not all in the model's vocabulary");
        }
        long start = System.nanoTime();
        int n = settings.n();
        int[] promptIndex = PromptSpread.indices(n, reference.prompts().size());
        List<String> prompts = promptsAt(promptIndex, reference.prompts());
        float[] pixels = null;
        int channels = 0;
        int side = 0;
        int nfe = 0;
        double generationSeconds = 0;
        int chunkSize = settings.chunk();
        for (int first = 0; first < n; first += chunkSize) {
            int size = Math.min(chunkSize, n - first);
            Generation.Result chunk = Generation.generate(model, prompts.subList(first, first + size),
                    settings.seed() + first, settings.budget(), evaluation -> {});
            int length = chunk.channels() * chunk.size() * chunk.size();
            if (pixels == null) {
                pixels = new float[n * length];
                channels = chunk.channels();
                side = chunk.size();
            }
            System.arraycopy(chunk.pixels(), 0, pixels, first * length, size * length);
            nfe = chunk.nfe();
            generationSeconds += chunk.seconds();
            onImages.accept(first + size);
        }
        int featureSide = features.info().config().imageSize();
        float[] measured = BoxFilter.downsample(pixels, n, channels, side, featureSide);
        return score(model, settings, measured, promptIndex, nfe, generationSeconds, start,
                BoxFilter.describe(side, featureSide));
    }

    /**
     * Scores images generated elsewhere (e.g. from conditions): FID against the reference, precision, recall and the
     * prompt score.
     *
     * @param promptIndex image i's prompt, an index into the reference's prompts
     * @param start {@link System#nanoTime()} when the evaluation began
     */
    public EvalResult score(DiffusionModel model, EvalSettings settings, float[] pixels, int[] promptIndex, int nfe,
            double generationSeconds, long start) {
        int side = features.info().config().imageSize();
        return score(model, settings, pixels, promptIndex, nfe, generationSeconds, start, BoxFilter.describe(side, side));
    }

    /** @param measuredAt the side the images were generated at and measured at ({@link BoxFilter#describe}) */
    private EvalResult score(DiffusionModel model, EvalSettings settings, float[] pixels, int[] promptIndex, int nfe,
            double generationSeconds, long start, String measuredAt) {
        int n = promptIndex.length;
        List<String> prompts = promptsAt(promptIndex, reference.prompts());
        int vocabulary = reference.prompts().size();
        List<List<String>> promptLists = vocabulary < 2 ? List.of(prompts)
                : List.of(prompts, promptsAt(PromptSpread.mismatched(promptIndex, vocabulary), reference.prompts()));
        FeatureModel.Measurement measured = features.measure(pixels, n, promptLists);
        float[] generated = measured.features();
        float[] scores = measured.promptScores().get(0);
        double mismatchedScore = vocabulary < 2 ? Double.NaN : mean(measured.promptScores().get(1));
        double fid = FrechetDistance.between(GaussianStatistics.of(generated, n, reference.dim()), referenceStatistics);
        ReferenceSet.Selection real = reference.selectReference(promptIndex);
        PrecisionRecall pr = PrecisionRecall.compute(real.features(), real.count(), generated, n, reference.dim());
        Floor floor = floor(n);
        Generator generator = model.generator();
        boolean sampled = generator.reads().contains(Budget.Setting.SAMPLER);
        return new EvalResult(model.name(), model.info().kind(), model.info().step(), sampled ? settings.sampler() : null,
                sampled ? settings.steps() : generator.nfe(settings.budget()), settings.cfg(), nfe, n, settings.seed(), fid, floor.fid(), floor.count(),
                pr.precision(), pr.recall(), floor.precision(), floor.recall(), features.scoreName(), mean(scores), standardError(scores),
                reference.referenceScore(), mismatchedScore, features.name(), reference.description(), reference.referenceCount(),
                generationSeconds, (System.nanoTime() - start) / 1e9, measuredAt);
    }

    private static List<String> promptsAt(int[] indices, List<String> vocabulary) {
        List<String> out = new ArrayList<>(indices.length);
        for (int p : indices) {
            out.add(vocabulary.get(p));
        }
        return out;
    }

    /** Standard error of the mean of {@code values}: sample standard deviation (n - 1) over sqrt(n); NaN for n < 2. */
    public static double standardError(float[] values) {
        int n = values.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mean = mean(values);
        double squares = 0;
        for (float v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (n - 1) / n);
    }

    /** Mean of {@code values}, summed in double precision. */
    public static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
