package dev.fewstep.metrics;

import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small FID with the yardstick's feature network and reference statistics: n samples of the model being trained with prompts spread evenly over the reference vocabulary ({@link PromptSpread}), the same
 * seeds at every probe, their feature Gaussian against the reference's ({@link FrechetDistance}). Also the mean
 * prompt score of the feature network (classifier accuracy or CLIP alignment) and its standard error over the n
 * samples, so neighbouring probes can be told apart from noise. FID is biased upwards at small n;
 * the curve is comparable with itself and with the yardstick at the same n, which {@code fid_floor} (n real
 * images against the reference) puts in scale.
 */
public final class FidProbe implements Probe {
    /** The first sample's seed; sample i uses seed + i (as {@code fewstep generate} and the yardstick). */
    public static final long SEED = 0;

    private final FeatureModel features;
    private final ReferenceSet reference;
    private final GaussianStatistics referenceStatistics;
    private final int samples;
    private Double floor;

    /** @param features the feature network (the caller keeps and closes it) */
    public FidProbe(FeatureModel features, ReferenceSet reference, int samples) {
        if (!features.digest().equals(reference.featureDigest())) {
            throw new IllegalArgumentException("the reference statistics of " + features.name()
                    + " were computed with other weights; delete " + ReferenceSet.FILE + " to recompute them");
        }
        if (samples < 2) {
            throw new IllegalArgumentException("a FID needs at least 2 samples");
        }
        this.features = features;
        this.reference = reference;
        this.referenceStatistics = reference.referenceStatistics();
        this.samples = samples;
    }

    @Override
    public Map<String, Double> measure(Snapshot student, long iteration) {
        if (!student.prompts().containsAll(reference.prompts())) {
            throw new IllegalArgumentException(features.name() + " measures " + features.info().dataset()
                    + ", whose prompts are not all in the student's vocabulary");
        }
        int[] promptIndex = PromptSpread.indices(samples, reference.prompts().size());
        List<String> prompts = new ArrayList<>(samples);
        for (int p : promptIndex) {
            prompts.add(reference.prompts().get(p));
        }
        int featureSide = features.info().config().imageSize();
        float[] pixels = BoxFilter.downsample(student.generate(prompts, SEED), samples, student.channels(),
                student.size(), featureSide);
        FeatureModel.Measurement measured = features.measure(pixels, samples, List.of(prompts));
        double fid = FrechetDistance.between(GaussianStatistics.of(measured.features(), samples, reference.dim()),
                referenceStatistics);
        float[] scores = measured.promptScores().get(0);
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("fid", fid);
        values.put("fid_floor", floor());
        values.put(features.scoreName(), Evaluator.mean(scores));
        values.put(features.scoreName() + "StandardError", Evaluator.standardError(scores));
        values.put("fid_images", (double) samples);
        return values;
    }

    private double floor() {
        if (floor == null) {
            ReferenceSet.Selection real = reference.selectFloor(PromptSpread.indices(samples, reference.prompts().size()));
            floor = FrechetDistance.between(GaussianStatistics.of(real.features(), real.count(), reference.dim()),
                    referenceStatistics);
        }
        return floor;
    }
}
