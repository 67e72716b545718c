package dev.fewstep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.generate.Images;
import dev.fewstep.metrics.features.FeatureStore;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.threed.Camera;
import dev.fewstep.threed.RenderPromptAccuracy;
import dev.fewstep.threed.ViewEvaluation;
import dev.fewstep.threed.ViewGrid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval-views", description = {"Measure a view-conditioned teacher (shapes-teacher) against the truth:"
        + " samples of prompts from random cameras, compared with the renders of the prompts' scenes from the same"
        + " cameras (PSNR, silhouette IoU; and from cameras turned by 90°, as a control) and read by the shapes"
        + " classifier (render prompt accuracy)."})
final class EvalViewsCommand implements Callable<Integer> {
    static final List<String> GRID_PROMPTS = List.of("a red cone on a blue cube", "a green sphere next to a yellow torus",
            "a purple cylinder next to an orange pyramid", "a large blue torus");

    @Option(names = "--model", description = "a view-conditioned teacher (default: ${DEFAULT-VALUE})", defaultValue = "shapes-teacher")
    String model;

    @Option(names = "--features", description = "the shapes classifier (default: ${DEFAULT-VALUE})", defaultValue = RenderPromptAccuracy.MODEL)
    String features;

    @Option(names = "--prompts", description = "held-out (scenes of held-out combinations) or train (the teacher's"
            + " training captions) (default: ${DEFAULT-VALUE})", defaultValue = "held-out")
    String prompts;

    @Option(names = "--n", description = "samples, each a prompt from its own random camera (default: ${DEFAULT-VALUE})", defaultValue = "200")
    int n;

    @Option(names = "--seed", description = "seeds the prompts, cameras and noise (default: ${DEFAULT-VALUE})", defaultValue = "0")
    long seed;

    @Mixin
    BudgetOptions budget;

    @Option(names = "--grid", description = "instead, write a PNG: rows of prompts (--grid-prompt, repeatable) from"
            + " azimuths 0, 90, 180, 270 at elevation 20, the teacher's samples beside the truth")
    Path grid;

    @Option(names = "--grid-prompt", description = "a prompt of the grid (default: four fixed prompts)")
    List<String> gridPrompts = new ArrayList<>();

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (n < 1 || n > 100_000) {
            throw new IllegalArgumentException("--n must be between 1 and 100000");
        }
        new dev.fewstep.generate.GenerateRequest("prompt", budget.sampler, budget.steps, budget.cfg, seed, 1).validated();
        if (grid != null) {
            OutputFile.png(grid);
        }
        try (DiffusionModel teacher = DiffusionModel.load(ModelStore.resolve(model))) {
            if (teacher.info().config().cameraDim() != Camera.EMBEDDING_SIZE) {
                throw new IllegalArgumentException(teacher.name() + " is not view-conditioned (it was trained without cameras)");
            }
            if (grid != null) {
                List<String> rows = gridPrompts.isEmpty() ? GRID_PROMPTS : gridPrompts;
                Images.writePng(ViewGrid.of(teacher, rows, budget.budget(), seed, 4), grid);
                System.out.printf("wrote %s: %d prompts x %d azimuths, samples beside the truth%n", grid, rows.size(),
                        ViewGrid.AZIMUTHS.length);
                return 0;
            }
            List<String> chosen = ViewEvaluation.prompts(prompts, teacher, n, seed);
            List<Camera> cameras = ViewEvaluation.cameras(n, seed + 1);
            try (RenderPromptAccuracy classifier = RenderPromptAccuracy.load(FeatureStore.resolve(features))) {
                ViewEvaluation.Result r = ViewEvaluation.measure(teacher, classifier, chosen, cameras, budget.budget(), seed);
                print(teacher, r);
            }
        }
        return 0;
    }

    private void print(DiffusionModel teacher, ViewEvaluation.Result r) throws Exception {
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", teacher.name());
            out.put("step", teacher.info().step());
            out.put("prompts", prompts);
            out.put("budget", teacher.generator().describe(budget.budget()));
            out.put("seed", seed);
            out.put("result", r);
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return;
        }
        System.out.printf(Locale.ROOT, "%s (step %d), %d %s prompts from random cameras, %s: render prompt accuracy %.3f"
                + " (truth renders %.3f); same camera PSNR %.2f dB, silhouette IoU %.3f; camera turned 90°: PSNR %.2f dB,"
                + " IoU %.3f; sampling %.1f s%n", teacher.name(), teacher.info().step(), r.count(), prompts,
                teacher.generator().describe(budget.budget()), r.renderPromptAccuracy(), r.truthAccuracy(), r.psnr(),
                r.silhouetteIou(), r.turnedPsnr(), r.turnedIou(), r.seconds());
    }
}
