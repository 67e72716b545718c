package dev.fewstep.adaptive;

import dev.fewstep.generate.Generation;
import dev.fewstep.metrics.features.FeatureModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Fills a {@link QualityTable}: each chunk of samples is generated with every action from the same noise and
 * measured, then the table is saved, so a stopped run continues where it was. Training and held-out chunks alternate
 * in proportion to their targets, so a table cut short still holds both.
 */
public final class TableBuilder {
    /** Seeds of training samples start here; held-out samples use seeds 0, 1, 2, … as {@code eval} does. */
    public static final long TRAIN_SEED = 1_000_000;

    private final ActionSet actions;
    private final FeatureModel features;
    private final Realism realism;
    private final PolicyPrompts prompts;
    private final double realAlignment;
    private final int chunk;

    public TableBuilder(ActionSet actions, FeatureModel features, Realism realism, int chunk) {
        this(actions, features, realism, Double.NaN, chunk);
    }

    /** @param realAlignment a_real of {@link PromptScore} (the reference set's prompt score), for a CLIP network */
    public TableBuilder(ActionSet actions, FeatureModel features, Realism realism, double realAlignment, int chunk) {
        this.actions = actions;
        this.features = features;
        this.realism = realism;
        this.prompts = PolicyPrompts.of(actions.teacher().info());
        this.realAlignment = realAlignment;
        this.chunk = chunk;
    }

    /** Extends the table at {@code file} (or a new one) to {@code train} training and {@code eval} held-out samples. */
    public QualityTable build(Path file, String teacher, int train, int eval, Consumer<String> log) throws IOException {
        QualityTable table = Files.exists(file) ? QualityTable.load(file) : empty(teacher);
        if (!table.actions().equals(actions.specs()) && table.actions().containsAll(actions.specs())
                && table.indices(false).length >= train && table.indices(true).length >= eval) {
            return table.select(actions.specs()); // a subset of its actions, all samples measured already
        }
        if (!table.actions().equals(actions.specs()) || !table.features().equals(features.digest())) {
            throw new IllegalArgumentException(file + " holds a table of other actions " + table.actions()
                    + " or other feature weights; delete it or give another --table");
        }
        while (true) {
            int haveTrain = table.indices(false).length;
            int haveEval = table.indices(true).length;
            if (haveTrain >= train && haveEval >= eval) {
                return table;
            }
            boolean heldOut = haveTrain >= train || (haveEval < eval && (long) haveEval * train < (long) haveTrain * eval);
            int first = heldOut ? haveEval : haveTrain;
            int size = Math.min(chunk, (heldOut ? eval : train) - first);
            long start = System.nanoTime();
            table = table.append(measure(teacher, heldOut, first, size));
            table.save(file);
            log.accept(String.format(Locale.ROOT, "quality table: %d training + %d held-out samples (%.1f s for the last %d)",
                    table.indices(false).length, table.indices(true).length, (System.nanoTime() - start) / 1e9, size));
        }
    }

    private QualityTable empty(String teacher) {
        return new QualityTable(teacher, actions.specs(), actions.nfe(), features.digest(), features.featureDim(),
                List.of(), new float[0], new float[0], new float[0], new float[0]);
    }

    /** Samples {@code first .. first + size - 1} of one split, generated with every action and measured. */
    QualityTable measure(String teacher, boolean heldOut, int first, int size) {
        Prompts.Split split = heldOut ? Prompts.Split.EVAL : Prompts.Split.TRAIN;
        List<Prompts.Prompt> prompts = this.prompts.sample(split, first + size).subList(first, first + size);
        long firstSeed = (heldOut ? 0 : TRAIN_SEED) + first;
        List<String> texts = prompts.stream().map(Prompts.Prompt::text).toList();
        int a = actions.actions().size();
        int dim = features.featureDim();
        float[] probability = new float[size * a];
        float[] correct = new float[size * a];
        float[] real = new float[size * a];
        float[] imageFeatures = new float[size * a * dim];
        for (int action = 0; action < a; action++) {
            Generation.Result images = actions.generate(action, texts, firstSeed);
            PromptScore measured = PromptScore.of(features, images.pixels(), prompts, realAlignment);
            for (int s = 0; s < size; s++) {
                int at = s * a + action;
                probability[at] = measured.term()[s];
                correct[at] = measured.score()[s];
                real[at] = (float) realism.of(measured.features(), s * dim);
                System.arraycopy(measured.features(), s * dim, imageFeatures, at * dim, dim);
            }
        }
        List<QualityTable.Sample> samples = new ArrayList<>();
        for (int s = 0; s < size; s++) {
            Prompts.Prompt p = prompts.get(s);
            samples.add(new QualityTable.Sample(p.text(), p.classIndex(), p.template(), firstSeed + s, heldOut));
        }
        return new QualityTable(teacher, actions.specs(), actions.nfe(), features.digest(), dim, samples, probability,
                correct, real, imageFeatures);
    }
}
