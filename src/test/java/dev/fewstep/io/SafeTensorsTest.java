package dev.fewstep.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a.weight", new Tensor(new long[] {2, 3}, new float[] {1f, -2.5f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, 3.14159f}));
        tensors.put("b", new Tensor(new long[] {1}, new float[] {Float.NaN}));
        tensors.put("scalarish", new Tensor(new long[] {}, new float[] {42f}));
        return tensors;
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        Path file = dir.resolve("x.safetensors");
        SafeTensors.write(file, sample(), Map.of("kind", "test", "note", "ünïcode"));
        SafeTensors.Contents back = SafeTensors.read(file);
        assertThat(back.metadata()).containsEntry("kind", "test").containsEntry("note", "ünïcode");
        for (var e : sample().entrySet()) {
            Tensor t = back.tensors().get(e.getKey());
            assertThat(t.shape()).containsExactly(e.getValue().shape());
            int[] expectedBits = bits(e.getValue().data());
            assertThat(bits(t.data())).containsExactly(expectedBits);
        }
    }

    @Test
    void headerFollowsTheFormat() throws IOException {
        Path file = dir.resolve("x.safetensors");
        SafeTensors.write(file, sample(), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header).contains("\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}");
        assertThat(bytes.length).isEqualTo(8 + headerLength + 4 * 8);
        assertThat((8 + headerLength) % 8).isZero();
    }

    @Test
    void truncatedFileIsRejectedWithAClearMessage() throws IOException {
        Path file = dir.resolve("x.safetensors");
        SafeTensors.write(file, sample(), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> SafeTensors.read(file)).isInstanceOf(CheckpointException.class).hasMessageContaining("truncated or corrupt");
        Files.write(file, Arrays.copyOf(bytes, 5));
        assertThatThrownBy(() -> SafeTensors.read(file)).isInstanceOf(CheckpointException.class).hasMessageContaining("not a safetensors file");
    }

    @Test
    void corruptHeaderIsRejected() throws IOException {
        Path file = dir.resolve("x.safetensors");
        SafeTensors.write(file, sample(), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        bytes[9] = '#';
        Files.write(file, bytes);
        assertThatThrownBy(() -> SafeTensors.read(file)).isInstanceOf(CheckpointException.class).hasMessageContaining("corrupt header");
        Files.write(file, new byte[] {(byte) 0xff, 0x7f, 0, 0, 0, 0, 0, 0, 1, 2});
        assertThatThrownBy(() -> SafeTensors.read(file)).isInstanceOf(CheckpointException.class).hasMessageContaining("truncated or corrupt");
        assertThatThrownBy(() -> SafeTensors.read(dir.resolve("missing.safetensors"))).hasMessageContaining("not found");
    }

    @Test
    void failedWriteLeavesTheOldFile() throws IOException {
        Path file = dir.resolve("x.safetensors");
        SafeTensors.write(file, sample(), Map.of("version", "1"));
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("x", new Tensor(new long[] {1}, new float[] {1}));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            SafeTensors.write(file, bad, Map.of("version", "2"));
        } catch (IOException expected) {
            // root may still be able to write; then the new file is complete instead
        } finally {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertThat(SafeTensors.read(file).metadata().get("version")).isIn("1", "2");
        assertThat(Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }

    @Test
    void modelForAnotherNetworkIsRejected() throws IOException {
        Path model = dir.resolve("m");
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet network = UNet.create(UNetConfig.tiny(1), manager);
            ModelInfo info = new ModelInfo(ModelInfo.TEACHER, "synthetic", UNetConfig.tiny(3), 0, List.of("a"), List.of(), Map.of());
            DiffusionModel.save(model, network, info); // metadata claims 3 channels, weights have 1
        }
        assertThatThrownBy(() -> DiffusionModel.load(model)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("does not match this network");
        Files.writeString(model.resolve(ModelStore.WEIGHTS), "garbage");
        assertThatThrownBy(() -> DiffusionModel.load(model)).isInstanceOf(CheckpointException.class);
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }
}
