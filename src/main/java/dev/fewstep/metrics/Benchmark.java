package dev.fewstep.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fewstep.generate.Budget;
import dev.fewstep.io.AtomicFile;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.sample.Sampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One teacher under every sampler at a grid of NFE budgets, and every distilled model of its data at its own NFE,
 * all measured with one evaluator on the same n, seed and prompts, so their rows compare.
 */
public final class Benchmark {
    public static final List<Integer> DEFAULT_NFE = List.of(1, 2, 4, 8, 16, 35);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Benchmark() {}

    /** A sampler at a step count. */
    public record Point(String sampler, int steps, int requestedNfe) {}

    /**
     * The (sampler, steps) pairs of a grid: for each budget, the sampler's {@link Sampler#stepsForNfe}; budgets
     * that map to steps already in the grid (Heun cannot spend exactly 2 NFE) are dropped, so no row repeats.
     */
    public static List<Point> grid(List<String> samplers, List<Integer> nfes) {
        List<Point> points = new ArrayList<>();
        for (String name : samplers) {
            Sampler sampler = Sampler.named(name);
            Set<Integer> seen = new LinkedHashSet<>();
            for (int nfe : nfes) {
                if (nfe < 1) {
                    throw new IllegalArgumentException("NFE budgets must be at least 1, got " + nfe);
                }
                int steps = sampler.stepsForNfe(nfe);
                if (seen.add(steps)) {
                    points.add(new Point(sampler.name(), steps, nfe));
                }
            }
        }
        return points;
    }

    /** One measured row: a method (the teacher with a sampler, or a distilled model) and its scores. */
    public record Row(String method, int requestedNfe, EvalResult result, Map<String, Double> fidelity) {
        public Row(String method, int requestedNfe, EvalResult result) {
            this(method, requestedNfe, result, Map.of());
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method);
            m.put("requestedNfe", requestedNfe);
            m.putAll(result.toMap());
            m.putAll(fidelity);
            return m;
        }
    }

    /** What one row measures: the scores, and for a conditional model its fidelity to the conditions' images. */
    public record Measured(EvalResult result, Map<String, Double> fidelity) {}

    /** Measures a model under settings; the plain yardstick or a conditional one. */
    public interface Measure {
        Measured measure(DiffusionModel model, EvalSettings settings, java.util.function.LongConsumer onImages);
    }

    /**
     * A row whose images come from several methods, each sample's chosen for its prompt (an AdaDiff policy), on the
     * same prompts and seeds as the fixed rows.
     *
     * @param meanNfe the mean NFE per image (the result's {@code nfe} is this rounded)
     * @param choices images per chosen method
     */
    public record MixRow(String method, double meanNfe, Map<String, Integer> choices, EvalResult result) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method);
            m.putAll(result.toMap());
            m.put("nfe", meanNfe);
            m.put("choices", choices);
            return m;
        }
    }

    /**
     * Everything a benchmark run measured, with the protocol it ran under.
     *
     * @param mixes rows of policies that pick a method per prompt ({@code fewstep bench}'s adaptive rows)
     */
    public record Report(String model, String date, int n, long seed, double cfg, String features, String reference,
            Evaluator.Floor floor, List<Row> rows, List<MixRow> mixes) {

        public Report(String model, String date, int n, long seed, double cfg, String features, String reference,
                Evaluator.Floor floor, List<Row> rows) {
            this(model, date, n, seed, cfg, features, reference, floor, rows, List.of());
        }

        public Report withMixes(List<MixRow> more) {
            List<MixRow> all = new ArrayList<>(mixes);
            all.addAll(more);
            return new Report(model, date, n, seed, cfg, features, reference, floor, rows, List.copyOf(all));
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model);
            m.put("date", date);
            m.put("n", n);
            m.put("seed", seed);
            m.put("cfg", cfg);
            m.put("features", features);
            m.put("reference", reference);
            m.put("fidFloor", floor.fid());
            m.put("floorCount", floor.count());
            m.put("floorPrecision", floor.precision());
            m.put("floorRecall", floor.recall());
            m.put("rows", rows.stream().map(Row::toMap).toList());
            m.put("adaptive", mixes.stream().map(MixRow::toMap).toList());
            return m;
        }
    }

    /** Hears about each row as it starts. */
    public interface Listener {
        /** @return told the number of images generated so far in this row */
        java.util.function.LongConsumer rowStarted(String label, int index, int total);

        void rowFinished(Row row);
    }

    /**
     * Runs the grid on {@code teacher}, then each distilled model (opened and closed by {@code open}) at each of its
     * presets (its own step counts).
     *
     * @param base n, seed, cfg and chunk of every row; its sampler and steps are overridden by the grid
     */
    public static Report run(DiffusionModel teacher, List<Point> grid, List<String> distilled,
            Function<String, DiffusionModel> open, Evaluator evaluator, EvalSettings base, String date, Listener listener) {
        return run(teacher, grid, distilled, open, evaluator,
                (model, settings, progress) -> new Measured(evaluator.evaluate(model, settings, progress), Map.of()), base,
                date, listener);
    }

    /** The same with {@code measure} scoring every row (e.g. a conditional model's yardstick). */
    public static Report run(DiffusionModel teacher, List<Point> grid, List<String> distilled,
            Function<String, DiffusionModel> open, Evaluator evaluator, Measure measure, EvalSettings base, String date,
            Listener listener) {
        List<Row> rows = new ArrayList<>();
        int total = grid.size() + distilled.size();
        for (Point point : grid) {
            EvalSettings settings = new EvalSettings(point.sampler(), point.steps(), base.cfg(), base.n(), base.seed(), base.chunk());
            var progress = listener.rowStarted(point.sampler() + " " + point.steps() + " steps", rows.size(), total);
            Measured measured = measure.measure(teacher, settings, progress);
            Row row = new Row(teacher.name(), point.requestedNfe(), measured.result(), measured.fidelity());
            rows.add(row);
            listener.rowFinished(row);
        }
        for (String name : distilled) {
            try (DiffusionModel model = open.apply(name)) {
                // A student's presets are its step counts (a consistency student's 4, 2 and 1), each a row.
                for (Budget preset : model.generator().presets()) {
                    EvalSettings settings = new EvalSettings(base.sampler(), preset.steps(), base.cfg(), base.n(),
                            base.seed(), base.chunk());
                    int nfe = model.generator().nfe(settings.budget());
                    var progress = listener.rowStarted(name + " " + nfe + " NFE", rows.size(), total);
                    Measured measured = measure.measure(model, settings, progress);
                    Row row = new Row(name, nfe, measured.result(), measured.fidelity());
                    rows.add(row);
                    listener.rowFinished(row);
                }
            }
        }
        return new Report(teacher.name(), date, base.n(), base.seed(), base.cfg(), evaluator.features().name(),
                evaluator.reference().description(), evaluator.floor(base.n()), rows);
    }

    /** A Markdown table of the rows, the floor as its last line; the prompt score with its standard error. */
    public static String markdown(Report report) {
        String scoreHeader = report.rows().isEmpty() || report.rows().get(0).result().scoreName().equals("promptAccuracy")
                ? "prompt acc. ± s.e." : "alignment ± s.e.";
        List<String> fidelity = report.rows().isEmpty() ? List.of() : List.copyOf(report.rows().get(0).fidelity().keySet());
        StringBuilder out = new StringBuilder();
        out.append("| method | sampler | steps | NFE | FID | FID floor | precision | recall | ").append(scoreHeader);
        fidelity.forEach(name -> out.append(" | ").append(name));
        out.append(" | seconds | images/s |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:").append("|---:".repeat(fidelity.size())).append("|---:|---:|\n");
        for (Row row : report.rows()) {
            EvalResult r = row.result();
            String score = Double.isNaN(r.scoreStandardError()) ? String.format(Locale.ROOT, "%.4f", r.score())
                    : String.format(Locale.ROOT, "%.4f ± %.4f", r.score(), r.scoreStandardError());
            StringBuilder columns = new StringBuilder();
            fidelity.forEach(name -> columns.append(String.format(Locale.ROOT, " %.3f |",
                    row.fidelity().getOrDefault(name, Double.NaN))));
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.2f | %.2f | %.3f | %.3f | %s |%s %.1f | %.1f |%n",
                    row.method(), samplerLabel(r), r.steps(), r.nfe(), r.fid(), r.fidFloor(),
                    r.precision(), r.recall(), score, columns, r.generationSeconds(), r.imagesPerSecond()));
        }
        for (MixRow mix : report.mixes()) {
            EvalResult r = mix.result();
            out.append(String.format(Locale.ROOT, "| %s | auto | - | %.2f (mean) | %.2f | %.2f | %.3f | %.3f | %.4f ± %.4f |%s"
                    + " %.1f | %.1f |%n", mix.method(), mix.meanNfe(), r.fid(), r.fidFloor(), r.precision(), r.recall(),
                    r.score(), r.scoreStandardError(), " - |".repeat(fidelity.size()), r.generationSeconds(),
                    r.imagesPerSecond()));
        }
        Evaluator.Floor floor = report.floor();
        out.append(String.format(Locale.ROOT, "| real (floor) | - | - | - | %.2f | %.2f | %.3f | %.3f | - |%s - | - |%n",
                floor.fid(), floor.fid(), floor.precision(), floor.recall(), " - |".repeat(fidelity.size())));
        return out.toString();
    }

    /** The sampler of a row, or for a distilled student its steps ("one-step", "2-step"). */
    public static String samplerLabel(EvalResult result) {
        return result.sampler() != null ? result.sampler() : result.nfe() == 1 ? "one-step" : result.nfe() + "-step";
    }

    /** Writes the report as indented JSON, atomically. */
    public static void writeJson(Report report, Path file) throws IOException {
        AtomicFile.write(file, JSON.writeValueAsBytes(report.toMap()));
    }
}
