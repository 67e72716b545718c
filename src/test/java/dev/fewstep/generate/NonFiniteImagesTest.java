package dev.fewstep.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.cli.Main;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.testing.TinyModels;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model whose output is NaN is an error with a message, never a black PNG. */
class NonFiniteImagesTest {
    @TempDir
    Path dir;

    @Test
    void aModelWithANanWeightIsRefusedInsteadOfDrawingABlackImage() throws Exception {
        Path model = TinyModels.teacher(dir, "nan-teacher", 1);
        Path file = model.resolve(ModelStore.WEIGHTS);
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, Tensor> tensors = new HashMap<>(contents.tensors());
        String first = tensors.keySet().iterator().next();
        float[] poisoned = tensors.get(first).data().clone();
        java.util.Arrays.fill(poisoned, Float.NaN);
        tensors.put(first, new Tensor(tensors.get(first).shape(), poisoned));
        SafeTensors.write(file, tensors, contents.metadata());
        try (DiffusionModel loaded = DiffusionModel.load(model)) {
            assertThatThrownBy(() -> Generation.generate(loaded, List.of("stripes"), 0, new Budget("euler", 2, 2.0), e -> {}))
                    .isInstanceOf(NonFiniteImagesException.class).hasMessageContaining("non-finite pixels");
        }
        Path png = dir.resolve("out.png");
        assertThat(Main.run("generate", "--model", model.toString(), "--prompt", "stripes", "--steps", "2", "--out",
                png.toString())).isEqualTo(Main.BAD_INPUT);
        assertThat(png).doesNotExist();
    }
}
