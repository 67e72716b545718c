package dev.fewstep.testing;

import ai.djl.ndarray.NDManager;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small models and data for tests: fast enough to train and sample in a unit test. */
public final class TinyModels {
    public static final List<String> PROMPTS = List.of("bright square", "dark square", "stripes");

    private TinyModels() {}

    /** A randomly initialised tiny teacher saved as {@code dir/NAME/model.safetensors}; returns the model folder. */
    public static Path teacher(Path dir, String name, int channels) throws IOException {
        return save(dir, name, UNetConfig.tiny(channels), ModelInfo.TEACHER, 0, 1234, PROMPTS);
    }

    /** A tiny teacher whose metadata names no prompts (an empty vocabulary). */
    public static Path teacherWithoutPrompts(Path dir, String name) throws IOException {
        return save(dir, name, UNetConfig.tiny(1), ModelInfo.TEACHER, 0, 1234, List.of());
    }

    /** A tiny one-step generator (kind "sid", sigma_init 2.5). */
    public static Path oneStep(Path dir, String name, int channels) throws IOException {
        return save(dir, name, UNetConfig.tiny(channels), ModelInfo.SID, 2.5, 99, PROMPTS);
    }

    /**
     * A tiny conditional teacher (kind "controlled") for {@code task}: a random tiny teacher and a ControlNet adapter
     * whose zero convolutions are perturbed, so the condition changes the output.
     */
    public static Path controlled(Path dir, String name, String task) throws IOException {
        Path out = dir.resolve(name);
        UNetConfig config = UNetConfig.tiny(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(7);
            UNet network = UNet.create(config, manager);
            network.getParameters().values().forEach(p -> p.getArray().addi(
                    p.getArray().getManager().randomNormal(p.getArray().getShape()).muli(0.02)));
            var condition = dev.fewstep.distill.codi.Condition.of(task, 1);
            var adapter = dev.fewstep.nn.ControlAdapter.of(network, condition.channels(), manager);
            adapter.getParameters().values().forEach(p -> p.getArray().addi(
                    p.getArray().getManager().randomNormal(p.getArray().getShape()).muli(0.02)));
            Map<String, dev.fewstep.io.Tensor> weights = new java.util.LinkedHashMap<>(dev.fewstep.model.Weights.of(network));
            weights.putAll(dev.fewstep.model.Weights.of(adapter));
            DiffusionModel.save(out, weights, new ModelInfo(dev.fewstep.distill.codi.ControlledKinds.CONTROLLED,
                    "synthetic", config, 0, PROMPTS, List.of(), Map.of("task", task)));
        }
        return out;
    }

    private static Path save(Path dir, String name, UNetConfig config, String kind, double sigmaInit, int seed,
            List<String> prompts) throws IOException {
        Path out = dir.resolve(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(seed);
            UNet network = UNet.create(config, manager);
            // Zero-initialised output layers would make every sample identical; perturb all weights a little.
            network.getParameters().values().forEach(p -> p.getArray().addi(
                    p.getArray().getManager().randomNormal(p.getArray().getShape()).muli(0.02)));
            DiffusionModel.save(out, network, new ModelInfo(kind, "synthetic", config, 0, prompts,
                    sigmaInit > 0 ? List.of(sigmaInit) : List.of(), Map.of()));
        }
        return out;
    }

    /** 32x32 synthetic images, one pattern per prompt of {@link #PROMPTS}, with a little noise. */
    public static ImageDataset data(int count, int channels, long seed) {
        Random random = new Random(seed);
        int size = 32;
        float[] pixels = new float[count * channels * size * size];
        int[] promptIndex = new int[count];
        for (int n = 0; n < count; n++) {
            int label = n % PROMPTS.size();
            promptIndex[n] = label;
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        boolean inside = x >= 8 && x < 24 && y >= 8 && y < 24;
                        float v = switch (label) {
                            case 0 -> inside ? 0.9f : -0.9f;
                            case 1 -> inside ? -0.9f : 0.9f;
                            default -> (x / 4) % 2 == 0 ? 0.8f : -0.8f;
                        };
                        pixels[((n * channels + c) * size + y) * size + x] = v + 0.05f * (float) random.nextGaussian();
                    }
                }
            }
        }
        return new ImageDataset("synthetic", channels, size, pixels, promptIndex, PROMPTS);
    }
}
