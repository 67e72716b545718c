package dev.fewstep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.threed.SceneSampler;
import dev.fewstep.threed.asd.AsdConfig;
import dev.fewstep.threed.asd.Eval3d;
import dev.fewstep.threed.asd.Model3d;
import dev.fewstep.threed.asd.PerPromptBaseline;
import dev.fewstep.threed.asd.PromptSets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval3d", description = {"Measure a text-to-3D generator on held-out or training prompts: voxel IoU at 32^3",
    "against the parsed prompt's shape, render prompt accuracy (shapes classifier), view consistency (worst of 8 views'",
    "silhouette IoU), seconds per object; optionally the per-prompt SDS baseline (--baseline-prompts K)."})
final class Eval3dCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a 3D generator, e.g. shapes-asd")
    String model;

    @Option(names = "--prompts", description = "held-out or train (default: ${DEFAULT-VALUE})")
    String split = "held-out";

    @Option(names = "--count", description = "prompts to evaluate, drawn with a fixed seed (default: ${DEFAULT-VALUE})")
    int count = 50;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = "--baseline-prompts", description = "also optimise the renderer alone for each of the first K"
            + " prompts with SDS (default: ${DEFAULT-VALUE})")
    int baselinePrompts = 0;

    @Option(names = "--baseline-iterations", description = "updates of each per-prompt optimisation (default: ${DEFAULT-VALUE})")
    int baselineIterations = 200;

    @Option(names = "--teacher", description = "teacher of the baseline (default: the model's own teacher)")
    String teacher;

    @Option(names = "--classifier", description = "the shapes classifier of render prompt accuracy (default: ${DEFAULT-VALUE})")
    String classifierName = dev.fewstep.threed.RenderPromptAccuracy.MODEL;

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 2000) {
            throw new IllegalArgumentException("--count must be between 1 and 2000, got " + count);
        }
        if (baselinePrompts < 0 || baselinePrompts > count || baselineIterations < 1) {
            throw new IllegalArgumentException("--baseline-prompts must be between 0 and --count, --baseline-iterations"
                    + " at least 1");
        }
        try (Model3d generator = Model3d.load(model)) {
            List<String> prompts = switch (split) {
                case "held-out" -> PromptSets.draw(SceneSampler.Split.HELD_OUT, count, PromptSets.EVAL_SEED);
                case "train" -> {
                    if (generator.trainingPrompts().isEmpty()) {
                        throw new IllegalArgumentException(model + " does not list its training prompts");
                    }
                    yield PromptSets.drawFrom(generator.trainingPrompts(), count, PromptSets.EVAL_SEED);
                }
                default -> throw new IllegalArgumentException("--prompts must be held-out or train, got '" + split + "'");
            };
            String accuracyNote = "not measured: no shapes classifier '" + classifierName + "' was found";
            Eval3d.Report report;
            java.nio.file.Path classifierDir = classifierDir();
            if (classifierDir == null) {
                report = Eval3d.evaluate(generator, prompts, null);
            } else {
                try (dev.fewstep.threed.RenderPromptAccuracy classifier = dev.fewstep.threed.RenderPromptAccuracy.load(classifierDir)) {
                    report = Eval3d.evaluate(generator, prompts, classifier);
                }
            }
            List<PerPromptBaseline.Outcome> baseline = baseline(generator, prompts);
            if (json) {
                System.out.println(json(generator, report, baseline, accuracyNote));
            } else {
                print(generator, report, baseline, accuracyNote);
            }
        }
        return 0;
    }

    /** The classifier's folder, or null when it is missing (the output then says accuracy was not measured). */
    private java.nio.file.Path classifierDir() {
        try {
            return dev.fewstep.metrics.features.FeatureStore.resolve(classifierName);
        } catch (IllegalArgumentException missing) {
            return null;
        }
    }

    private List<PerPromptBaseline.Outcome> baseline(Model3d generator, List<String> prompts) {
        List<PerPromptBaseline.Outcome> outcomes = new ArrayList<>();
        if (baselinePrompts == 0) {
            return outcomes;
        }
        String teacherName = teacher != null ? teacher : generator.metadata().get("teacher");
        if (teacherName == null) {
            throw new IllegalArgumentException(model + " does not name its teacher; pass --teacher for the baseline");
        }
        AsdConfig config = AsdConfig.fromJson(generator.metadata().get("asd"), model);
        try (DiffusionModel teacherModel = DiffusionModel.load(ModelStore.resolve(teacherName))) {
            for (int i = 0; i < baselinePrompts; i++) {
                outcomes.add(new PerPromptBaseline(teacherModel.denoiser(),
                        teacherModel.info().config().cameraDim() > 0, config)
                        .optimise(prompts.get(i), baselineIterations, PromptSets.EVAL_SEED + i));
            }
        }
        return outcomes;
    }

    private void print(Model3d generator, Eval3d.Report report, List<PerPromptBaseline.Outcome> baseline, String note) {
        System.out.printf("%s on %d %s prompts:%n", generator.name(), report.prompts().size(), split);
        System.out.printf("  voxel IoU (32^3)          %.4f%n", report.iou());
        System.out.printf("  render prompt accuracy    %s%n", Double.isNaN(report.renderAccuracy()) ? note
                : String.format("%.4f (the truth's sphere-traced views: %.4f)", report.renderAccuracy(), report.truthAccuracy()));
        System.out.printf("  view consistency          %.4f (worst of 8 views' silhouette IoU; mean view %.4f)%n",
                report.viewConsistency(), report.meanView());
        System.out.printf("  seconds per object        %.3f (embedding, triplanes, 32^3 density, coloured mesh)%n",
                report.secondsPerObject());
        for (PerPromptBaseline.Outcome o : baseline) {
            System.out.printf("  baseline (SDS on one prompt, %d updates): \"%s\" IoU %.4f in %.1f s%n", baselineIterations,
                    o.prompt(), o.iou(), o.seconds());
        }
        if (!baseline.isEmpty()) {
            System.out.printf("  baseline mean: IoU %.4f, %.1f s per prompt%n",
                    baseline.stream().mapToDouble(PerPromptBaseline.Outcome::iou).average().orElseThrow(),
                    baseline.stream().mapToDouble(PerPromptBaseline.Outcome::seconds).average().orElseThrow());
        }
    }

    private String json(Model3d generator, Eval3d.Report report, List<PerPromptBaseline.Outcome> baseline, String note) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", generator.name());
        root.put("prompts", split);
        root.put("count", report.prompts().size());
        root.put("iou", report.iou());
        if (Double.isNaN(report.renderAccuracy())) {
            root.putNull("render_accuracy");
            root.put("render_accuracy_note", note);
        } else {
            root.put("render_accuracy", report.renderAccuracy());
            root.put("truth_render_accuracy", report.truthAccuracy());
        }
        root.put("view_consistency", report.viewConsistency());
        root.put("mean_view_silhouette_iou", report.meanView());
        root.put("seconds_per_object", report.secondsPerObject());
        ArrayNode rows = root.putArray("per_prompt");
        for (Eval3d.PerPrompt p : report.prompts()) {
            ObjectNode row = rows.addObject();
            row.put("prompt", p.prompt());
            row.put("iou", p.iou());
            row.put("worst_view", p.worstView());
            if (!Double.isNaN(p.accuracy())) {
                row.put("render_accuracy", p.accuracy());
            }
            row.put("seconds", p.seconds());
        }
        if (!baseline.isEmpty()) {
            ArrayNode base = root.putArray("baseline");
            for (PerPromptBaseline.Outcome o : baseline) {
                base.addObject().put("prompt", o.prompt()).put("iou", o.iou()).put("seconds", o.seconds())
                        .put("iterations", baselineIterations);
            }
        }
        return root.toString();
    }
}
