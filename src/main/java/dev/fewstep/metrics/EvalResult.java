package dev.fewstep.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scores of one evaluation run and what it cost.
 *
 * @param method the model's name
 * @param sampler the sampler, or null for a one-step model
 * @param steps sampler steps (1 for one-step models)
 * @param nfe network evaluations per image
 * @param fid FID of the n samples against the reference set
 * @param fidFloor FID of n real floor images against the same reference: the real-vs-real floor
 * @param floorCount how many floor images that was (fewer than n when the floor set runs out)
 * @param precision improved precision, k = 3, against n real reference images
 * @param recall improved recall, k = 3
 * @param floorPrecision precision of the floor images: what real data scores
 * @param floorRecall recall of the floor images
 * @param scoreName "promptAccuracy" (classifier) or "alignment" (CLIP)
 * @param score the mean prompt score of the samples
 * @param scoreStandardError the standard error of that mean (sample standard deviation of the per-image scores over
 *     sqrt(n)): two models' scores closer than about twice this are not told apart by n samples
 * @param referenceScore the same score on real reference images: the ceiling
 * @param mismatchedScore the samples' score under prompts that are not theirs (each against the prompt half the
 *     vocabulary away, {@link PromptSpread#mismatched}): score minus this is how much the prompt is followed; NaN
 *     for a one-prompt vocabulary
 * @param generationSeconds time spent generating (what images/s is computed from)
 * @param totalSeconds the whole evaluation: generation, features and metrics
 * @param measuredAt the side the feature network saw the samples at, and whether they were downsampled to it
 *     ({@link BoxFilter#describe}), or null when not recorded
 */
public record EvalResult(
        String method, String kind, long modelStep, String sampler, int steps, double cfg, int nfe, int n, long seed,
        double fid, double fidFloor, int floorCount, double precision, double recall, double floorPrecision,
        double floorRecall, String scoreName, double score, double scoreStandardError, double referenceScore,
        double mismatchedScore, String features, String reference,
        int referenceCount, double generationSeconds, double totalSeconds, String measuredAt) {

    /** A result that does not record the side its samples were measured at. */
    public EvalResult(
            String method, String kind, long modelStep, String sampler, int steps, double cfg, int nfe, int n, long seed,
            double fid, double fidFloor, int floorCount, double precision, double recall, double floorPrecision,
            double floorRecall, String scoreName, double score, double scoreStandardError, double referenceScore,
            double mismatchedScore, String features, String reference,
            int referenceCount, double generationSeconds, double totalSeconds) {
        this(method, kind, modelStep, sampler, steps, cfg, nfe, n, seed, fid, fidFloor, floorCount, precision, recall,
                floorPrecision, floorRecall, scoreName, score, scoreStandardError, referenceScore, mismatchedScore,
                features, reference, referenceCount, generationSeconds, totalSeconds, null);
    }

    public double imagesPerSecond() {
        return n / generationSeconds;
    }

    /** Every field in a fixed order, for JSON; the score not measured by this feature network is null. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", method);
        m.put("kind", kind);
        m.put("modelStep", modelStep);
        m.put("sampler", sampler);
        m.put("steps", steps);
        m.put("cfg", sampler == null ? null : cfg);
        m.put("nfe", nfe);
        m.put("n", n);
        m.put("seed", seed);
        m.put("fid", fid);
        m.put("fidFloor", fidFloor);
        m.put("floorCount", floorCount);
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("floorPrecision", floorPrecision);
        m.put("floorRecall", floorRecall);
        m.put("promptAccuracy", scoreName.equals("promptAccuracy") ? score : null);
        m.put("alignment", scoreName.equals("alignment") ? score : null);
        m.put("scoreStandardError", Double.isNaN(scoreStandardError) ? null : scoreStandardError); // null: n = 1
        m.put("referenceScore", referenceScore);
        m.put("mismatchedScore", Double.isNaN(mismatchedScore) ? null : mismatchedScore); // null: no other prompt
        m.put("features", features);
        m.put("reference", reference);
        m.put("referenceCount", referenceCount);
        m.put("seconds", generationSeconds);
        m.put("imagesPerSecond", imagesPerSecond());
        m.put("totalSeconds", totalSeconds);
        m.put("measuredAt", measuredAt);
        return m;
    }
}
