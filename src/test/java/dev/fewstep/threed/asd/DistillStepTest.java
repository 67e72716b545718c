package dev.fewstep.threed.asd;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.train.Adam;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DistillStepTest {

    @Test
    void gradientsReachEveryGeneratorParameterAndTheTeacherNeverChanges() {
        for (ScoreDistillationLoss.Kind kind : ScoreDistillationLoss.Kind.values()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(7);
                UNet teacherNetwork = UNet.create(new ScoreDistillationLossTest().rgbConfig().withCamera(4), manager);
                teacherNetwork.freezeParameters(true);
                Map<String, Tensor> teacherBefore = Weights.of(teacherNetwork);
                AsdConfig config = new AsdConfig(kind, 2.0, 0.02, 0.98, 0.1, 1e-3, AsdConfig.DEFAULTS.run(),
                        FieldRendererTest.SMALL);
                TriplaneGenerator generator = TriplaneGenerator.create(config.generator(), manager);
                Map<String, Tensor> generatorBefore = Weights.of(generator);
                DistillStep step = new DistillStep(generator, new EdmDenoiser(teacherNetwork), true, config);
                Adam adam = new Adam(generator, manager, 0.9, 0.99, 1e-8);
                DistillStep.Draws draws = step.draw(manager, new Random(1), 5, 2);
                NDArray embeddings = manager.randomNormal(new Shape(2, 384));
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(step.loss(embeddings, draws).objective());
                }
                for (Pair<String, Parameter> p : generator.getParameters()) {
                    assertThat(p.getValue().getArray().getGradient().abs().sum().getFloat()).as(kind + " " + p.getKey())
                            .isPositive();
                }
                adam.step(1e-3);
                Map<String, Tensor> generatorAfter = Weights.of(generator);
                generatorBefore.forEach((name, tensor) -> assertThat(generatorAfter.get(name).data()).as(name)
                        .isNotEqualTo(tensor.data()));
                Map<String, Tensor> teacherAfter = Weights.of(teacherNetwork);
                teacherBefore.forEach((name, tensor) -> assertThat(teacherAfter.get(name).data()).as(name)
                        .containsExactly(tensor.data()));
            }
        }
    }
}
