package dev.fewstep.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.pytorch.jni.JniUtils;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.testing.TinyModels;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationTest {
    private static final List<String> PROMPTS = List.of("bright square", "stripes", "dark square");

    @Test
    void aWorkerThreadGetsTheSamePixelsWithoutRecordingGradients(@TempDir Path dir) throws Exception {
        try (DiffusionModel teacher = DiffusionModel.load(TinyModels.teacher(dir, "t", 1))) {
            Generation.Result here = Generation.generate(teacher, PROMPTS, 7, new Budget("heun", 3, 2.0), e -> {});
            AtomicReference<Generation.Result> there = new AtomicReference<>();
            AtomicBoolean recordingInside = new AtomicBoolean(true);
            AtomicBoolean recordingAfter = new AtomicBoolean(false);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                try {
                    JniUtils.setGradMode(true); // a fresh thread's PyTorch default
                    there.set(Generation.generate(teacher, PROMPTS, 7, new Budget("heun", 3, 2.0),
                            e -> recordingInside.set(recordingInside.get() && JniUtils.isGradMode())));
                    recordingAfter.set(JniUtils.isGradMode());
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            worker.start();
            worker.join();
            assertThat(failure.get()).isNull();
            assertThat(there.get().pixels()).containsExactly(here.pixels());
            assertThat(there.get().nfe()).isEqualTo(5);
            assertThat(recordingInside.get()).as("graph recording during sampling").isFalse();
            assertThat(recordingAfter.get()).as("the thread's own setting is restored").isTrue();
        }
    }

    @Test
    void theWarmUpIsOneEvaluationAndLeavesTheNextImagesAsTheyWere(@TempDir Path dir) throws Exception {
        Path folder = TinyModels.teacher(dir, "t", 1);
        Generation.Result cold;
        try (DiffusionModel teacher = DiffusionModel.load(folder)) {
            cold = Generation.generate(teacher, PROMPTS, 7, new Budget("heun", 3, 2.0), e -> {});
        }
        try (DiffusionModel teacher = DiffusionModel.load(folder)) {
            Generation.Result warmUp = Generation.warmUp(teacher, new GenerateRequest("a prompt", "heun", 3, 2.0, 7, PROMPTS.size()));
            assertThat(warmUp.nfe()).isEqualTo(1);
            assertThat(warmUp.count()).isEqualTo(PROMPTS.size());
            assertThat(warmUp.seconds()).isPositive();
            Generation.Result warm = Generation.generate(teacher, PROMPTS, 7, new Budget("heun", 3, 2.0), e -> {});
            assertThat(warm.pixels()).containsExactly(cold.pixels());
        }
    }
}
