package dev.fewstep.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generation;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.StoredTensor;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizedModelTest {
    @TempDir
    static Path dir;

    static Path source;

    @BeforeAll
    static void tinyStudent() throws IOException {
        source = TinyModels.oneStep(dir, "student", 1);
    }

    @Test
    void aSafetensorsRoundTripKeepsFloatsExactAndWeightsWithinHalfAStep() throws IOException {
        for (int bits : new int[] {8, 4}) {
            Path out = dir.resolve("round-trip-" + bits);
            Quantizer.quantize(source, out, bits);
            Path file = out.resolve(ModelStore.WEIGHTS);
            SafeTensors.Contents original = SafeTensors.read(source.resolve(ModelStore.WEIGHTS));
            SafeTensors.Stored stored = SafeTensors.readStored(file);
            SafeTensors.Contents back = SafeTensors.read(file);
            Quantization q = Dequantizer.quantization(stored.metadata(), "x");
            assertThat(q.bits()).isEqualTo(bits);
            assertThat(q.shapes()).isNotEmpty();
            assertThat(back.tensors().keySet()).isEqualTo(original.tensors().keySet());
            for (Map.Entry<String, Tensor> e : original.tensors().entrySet()) {
                Tensor t = back.tensors().get(e.getKey());
                assertThat(t.shape()).containsExactly(e.getValue().shape());
                if (!q.shapes().containsKey(e.getKey())) {
                    assertThat(t).as(e.getKey()).isEqualTo(e.getValue());
                    continue;
                }
                assertThat(stored.tensors().get(e.getKey()).dtype()).isEqualTo(bits == 8 ? "I8" : "U8");
                float[] scales = stored.tensors().get(e.getKey() + Dequantizer.SCALE_SUFFIX).floats().data();
                float step = 0;
                for (float s : scales) {
                    step = Math.max(step, s);
                }
                for (int i = 0; i < t.data().length; i++) {
                    assertThat(Math.abs(t.data()[i] - e.getValue().data()[i])).isLessThanOrEqualTo(step * 0.50001f);
                }
            }
            assertThat(stored.metadata()).containsAllEntriesOf(original.metadata())
                    .containsEntry(Dequantizer.SOURCE_KEY, ModelStore.sha256(source.resolve(ModelStore.WEIGHTS)));
        }
    }

    @Test
    void theSourcesAttributionTravelsWithTheCopy() throws IOException {
        Path attributed = dir.resolve("attributed");
        java.nio.file.Files.createDirectories(attributed);
        java.nio.file.Files.copy(source.resolve(ModelStore.WEIGHTS), attributed.resolve(ModelStore.WEIGHTS));
        dev.fewstep.data.Emoji.attributeIfEmoji("emoji", attributed);
        Path out = dir.resolve("attributed-int8");
        Quantizer.quantize(attributed, out, 8);
        assertThat(out.resolve(dev.fewstep.data.Emoji.ATTRIBUTION_FILE)).hasContent(dev.fewstep.data.Emoji.ATTRIBUTION);
        Quantizer.quantize(source, dir.resolve("plain-int8"), 8);
        assertThat(dir.resolve("plain-int8").resolve(dev.fewstep.data.Emoji.ATTRIBUTION_FILE)).doesNotExist();
    }

    @Test
    void aQuantizedStudentLoadsAsItsKindAndGeneratesNearlyTheSameImages() throws IOException {
        Path out = dir.resolve("student-int8");
        Quantizer.quantize(source, out, 8);
        List<String> prompts = List.of("stripes", "dark square");
        Budget budget = new Budget("euler", 1, 1.0);
        try (DiffusionModel full = DiffusionModel.load(source); DiffusionModel small = DiffusionModel.load(out)) {
            assertThat(small.info().kind()).isEqualTo("sid");
            assertThat(small.info()).isEqualTo(full.info());
            float[] a = Generation.generate(full, prompts, 5, budget, e -> {}).pixels();
            float[] b = Generation.generate(small, prompts, 5, budget, e -> {}).pixels();
            double meanDifference = 0;
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).isFinite();
                meanDifference += Math.abs(a[i] - b[i]) / a.length;
            }
            assertThat(meanDifference).isPositive().isLessThan(0.02);
        }
    }

    @Test
    void aMissingScaleTensorIsNamed() throws IOException {
        Path out = dir.resolve("no-scale");
        Quantizer.quantize(source, out, 4);
        Path file = out.resolve(ModelStore.WEIGHTS);
        SafeTensors.Stored stored = SafeTensors.readStored(file);
        String quantized = Dequantizer.quantization(stored.metadata(), "x").shapes().keySet().iterator().next();
        Map<String, StoredTensor> tensors = new LinkedHashMap<>(stored.tensors());
        tensors.remove(quantized + Dequantizer.SCALE_SUFFIX);
        SafeTensors.writeStored(file, tensors, stored.metadata());
        assertThatThrownBy(() -> DiffusionModel.load(out)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'" + quantized + "'").hasMessageContaining("lacks its F32 scale tensor");
    }

    @Test
    void anIntegerTensorOfTheWrongSizeIsNamed() throws IOException {
        for (int bits : new int[] {8, 4}) {
            Path out = dir.resolve("short-" + bits);
            Quantizer.quantize(source, out, bits);
            Path file = out.resolve(ModelStore.WEIGHTS);
            SafeTensors.Stored stored = SafeTensors.readStored(file);
            String quantized = Dequantizer.quantization(stored.metadata(), "x").shapes().keySet().iterator().next();
            Map<String, StoredTensor> tensors = new LinkedHashMap<>(stored.tensors());
            byte[] values = tensors.get(quantized).bytes();
            byte[] shorter = java.util.Arrays.copyOf(values, values.length - 1);
            tensors.put(quantized, new StoredTensor(bits == 8 ? "I8" : "U8", new long[] {shorter.length},
                    java.nio.ByteBuffer.wrap(shorter)));
            SafeTensors.writeStored(file, tensors, stored.metadata());
            assertThatThrownBy(() -> DiffusionModel.load(out)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("quantized tensor '" + quantized + "' has shape [" + shorter.length + "]");
        }
    }
}
