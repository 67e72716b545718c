package dev.fewstep.cli;

import dev.fewstep.adaptive.ActionSet;
import dev.fewstep.adaptive.AdaptiveBench;
import dev.fewstep.adaptive.Policy;
import dev.fewstep.adaptive.PolicyStore;
import dev.fewstep.data.DataStore;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.distill.codi.ConditionInput;
import dev.fewstep.distill.codi.ConditionalEval;
import java.util.Map;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.metrics.BenchPlot;
import dev.fewstep.metrics.Benchmark;
import dev.fewstep.metrics.EvalSettings;
import dev.fewstep.metrics.Evaluator;
import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.sample.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = "Measure a teacher under every sampler at several NFE budgets, and every "
        + "distilled model of its data at NFE 1; write JSON, a Markdown table and a plot. "
        + "'bench speed' measures throughput instead.", subcommands = BenchSpeedCommand.class)
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    // Required, but checked in call(): picocli would otherwise demand it before the 'speed' subcommand too.
    @Option(names = "--model", description = "teacher model name or folder (required)")
    String model;

    @Mixin
    EvalOptions protocol;

    @Option(names = "--samplers", split = ",", description = "samplers to run (default: all: euler,heun,ddim,dpmpp2m)")
    List<String> samplers;

    @Option(names = "--nfe", split = ",", description = "NFE budgets (default: 1,2,4,8,16,35)")
    List<Integer> nfes;

    @Option(names = "--cfg", description = "classifier-free guidance scale w for every row (default: ${DEFAULT-VALUE})", defaultValue = "2.0")
    double cfg;

    @Option(names = "--no-distilled", description = "skip the distilled models of the teacher's dataset")
    boolean noDistilled;

    @Option(names = "--no-adaptive", description = "skip the adaptive rows (the AdaDiff policies of this teacher)")
    boolean noAdaptive;

    @Option(names = "--out", description = "results folder (default: ${DEFAULT-VALUE})", defaultValue = "bench/results")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (model == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--model=<model>'");
        }
        List<Benchmark.Point> grid = Benchmark.grid(samplers == null ? Sampler.NAMES : samplers,
                nfes == null ? Benchmark.DEFAULT_NFE : nfes);
        EvalSettings base = new EvalSettings(grid.get(0).sampler(), grid.get(0).steps(), cfg, protocol.n, protocol.seed,
                protocol.chunk);
        Path modelDir = ModelStore.resolve(model);
        try (DiffusionModel teacher = DiffusionModel.load(modelDir)) {
            if (!teacher.kind().isTeacher()) {
                throw new IllegalArgumentException(teacher.name() + " is a distilled model; bench a teacher (its distilled "
                        + "models are added as rows of their own)");
            }
            boolean conditional = ConditionInput.task(teacher.info()).isPresent();
            List<String> distilled = noDistilled ? List.of() : conditional ? students(teacher.name())
                    : distilled(teacher.info().dataset(), teacher.info().imageSize());
            Path featuresDir = EvalCommand.featuresDir(protocol.featuresName, teacher.info().dataset(),
                    teacher.info().imageSize());
            try (FeatureModel features = FeatureModel.load(featuresDir)) {
                Evaluator evaluator = EvalCommand.evaluator(features, featuresDir);
                String date = LocalDate.now().toString();
                System.out.printf(Locale.ROOT, "bench %s: %d rows of %d samples, seed %d, cfg %.2f, features %s%n",
                        teacher.name(), grid.size() + distilled.size(), protocol.n, protocol.seed, cfg, features.name());
                Benchmark.Measure measure = conditional ? conditionalMeasure(evaluator, teacher.info().dataset())
                        : (m, settings, progress) -> new Benchmark.Measured(evaluator.evaluate(m, settings, progress), Map.of());
                Benchmark.Report report = Benchmark.run(teacher, grid, distilled,
                        name -> DiffusionModel.load(ModelStore.resolve(name)), evaluator, measure, base, date,
                        new BarListener());
                if (!noAdaptive && !conditional) {
                    report = report.withMixes(adaptiveRows(teacher.name(), evaluator, base));
                }
                String stem = freeStem(out, teacher.name() + "-" + date + "-n" + protocol.n);
                Path json = out.resolve(stem + ".json");
                Path png = out.resolve(stem + "-fid.png");
                Benchmark.writeJson(report, json);
                BenchPlot.write(report, png);
                System.out.println();
                System.out.print(Benchmark.markdown(report));
                System.out.printf("%nreference: %s; wrote %s and %s%n", report.reference(), json, png);
                report.rows().stream().map(row -> row.result().measuredAt()).filter(java.util.Objects::nonNull).distinct()
                        .forEach(side -> System.out.println("images measured at " + side));
            }
        }
        return 0;
    }

    /** The policies whose teacher is {@code teacher}, each on the bench's prompts and seeds. */
    private List<Benchmark.MixRow> adaptiveRows(String teacher, Evaluator evaluator, EvalSettings base) {
        List<Benchmark.MixRow> rows = new ArrayList<>();
        for (String name : PolicyStore.forTeacher(ModelStore.root(), teacher)) {
            try (Policy policy = Policy.load(PolicyStore.resolve(name));
                    ActionSet actions = new ActionSet(policy.teacher(), policy.actions())) {
                Benchmark.MixRow row;
                try (Progress bar = new Progress("policy " + name)) {
                    bar.started(0, protocol.n);
                    row = AdaptiveBench.measure(policy, actions, evaluator, base, bar::step);
                }
                System.out.printf(Locale.ROOT, "policy %s: mean NFE %.2f %s: FID %.2f, precision %.3f, recall %.3f, %s %.3f%n",
                        name, row.meanNfe(), row.choices(), row.result().fid(), row.result().precision(),
                        row.result().recall(), row.result().scoreName(), row.result().score());
                rows.add(row);
            }
        }
        return rows;
    }

    /** {@code stem}, or {@code stem-2}, {@code stem-3}, ... so that an earlier run's results are never overwritten. */
    static String freeStem(Path out, String stem) {
        String candidate = stem;
        for (int i = 2; Files.exists(out.resolve(candidate + ".json")); i++) {
            candidate = stem + "-" + i;
        }
        return candidate;
    }

    /** A conditional teacher's yardstick: conditions from the test split, fidelity beside the scores. */
    private static Benchmark.Measure conditionalMeasure(Evaluator evaluator, String dataset) {
        ImageDataset test = DataStore.test(dataset, null);
        return (m, settings, progress) -> {
            ConditionalEval.Result r = ConditionalEval.evaluate(m, evaluator, settings, test, progress);
            return new Benchmark.Measured(r.quality(), r.fidelity());
        };
    }

    /** The students distilled from a conditional teacher (their metadata names it as their teacher). */
    private static List<String> students(String teacher) {
        List<String> names = new ArrayList<>();
        for (String name : ModelStore.names()) {
            Path file = ModelStore.root().resolve(name).resolve(ModelStore.WEIGHTS);
            try {
                ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(file).metadata(), file.toString());
                if (!info.modelKind().isTeacher() && teacher.equals(info.extra().get("teacher"))) {
                    names.add(name);
                }
            } catch (CheckpointException | IllegalArgumentException e) {
                System.err.println("fewstep: skipping " + name + ": " + e.getMessage());
            }
        }
        return names;
    }

    /**
     * Models of the same dataset that are not teachers and make images of the teacher's side (a latent teacher's: 64):
     * the distilled generators to compare at NFE 1.
     */
    private static List<String> distilled(String dataset, int imageSize) {
        List<String> names = new ArrayList<>();
        for (String name : ModelStore.names()) {
            Path file = ModelStore.root().resolve(name).resolve(ModelStore.WEIGHTS);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(file).metadata(), file.toString());
                if (info.dataset().equals(dataset) && !info.modelKind().isTeacher() && !info.extra().containsKey("task")
                        && info.imageSize() == imageSize) {
                    names.add(name);
                }
            } catch (CheckpointException e) {
                System.err.println("fewstep: skipping " + name + ": " + e.getMessage());
            }
        }
        return names;
    }

    /** One progress bar per row. */
    private final class BarListener implements Benchmark.Listener {
        private Progress bar;

        @Override
        public LongConsumer rowStarted(String label, int index, int total) {
            bar = new Progress(String.format(Locale.ROOT, "%d/%d %s", index + 1, total, label));
            bar.started(0, protocol.n);
            return done -> bar.step(done);
        }

        @Override
        public void rowFinished(Benchmark.Row row) {
            bar.close();
            System.out.printf(Locale.ROOT, "%s %s NFE %d: FID %.2f, precision %.3f, recall %.3f, %s %.3f, %.1f images/s%n",
                    row.method(), Benchmark.samplerLabel(row.result()), row.result().nfe(),
                    row.result().fid(), row.result().precision(), row.result().recall(), row.result().scoreName(),
                    row.result().score(), row.result().imagesPerSecond());
        }
    }
}
