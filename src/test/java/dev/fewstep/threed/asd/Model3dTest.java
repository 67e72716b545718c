package dev.fewstep.threed.asd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.threed.Gltf;
import dev.fewstep.threed.Mesh;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Model3dTest {
    private static final Path VALIDATOR = Path.of("target", "node", "node_modules", "gltf-validator");

    @TempDir
    Path dir;

    private Path savedBlob() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            TriplaneGenerator generator = FieldRendererTest.blobOnly(manager);
            Path folder = Files.createDirectories(dir.resolve("blob-3d"));
            Generator3dFile.write(folder.resolve(Generator3dFile.FILE), generator, "asd3d",
                    Map.of("prompts", "[\"a red cone\"]"));
            return folder;
        }
    }

    @Test
    void aSavedGeneratorReadsBackAndMeshesItsBlobAsAClosedColouredSurface() throws Exception {
        try (Model3d model = Model3d.load(savedBlob().toString())) {
            assertThat(model.trainingPrompts()).containsExactly("a red cone");
            Mesh mesh = model.mesh("a red cone", 32);
            assertThat(mesh.triangleCount()).isPositive();
            for (float c : mesh.colours()) {
                assertThat(c).isEqualTo(0.5f, org.assertj.core.api.Assertions.within(1e-6f)); // sigmoid(0)
            }
            // the blob's ball (see FieldRendererTest): about 4/3 π r³ of volume, and a closed surface has it
            double tau = FieldRenderer.occupancyThreshold(FieldRendererTest.SMALL);
            double r = 0.5 * (1 - Math.log(Math.expm1(tau)) / 10) * 1.4;
            assertThat(mesh.volume()).isCloseTo(4 / 3.0 * Math.PI * r * r * r, org.assertj.core.api.Assertions.within(0.25 * mesh.volume()));
        }
    }

    @Test
    void aTwoDimensionalModelAnUnknownNameAndABadPromptAreRefusedClearly() throws Exception {
        Path flat = Files.createDirectories(dir.resolve("flat"));
        Files.writeString(flat.resolve("model.safetensors"), "x");
        assertThatThrownBy(() -> Model3d.load(flat.toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a 2D image model, not a 3D generator");
        assertThatThrownBy(() -> Model3d.load(dir.resolve("nothing").toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown 3D model");
        assertThatThrownBy(() -> Model3d.checkPrompt("a red banana")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("banana");
        assertThatThrownBy(() -> Model3d.checkPrompt(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    /** The Khronos validator (npm gltf-validator under target/node, as GltfTest uses it). */
    @Test
    void theGeneratedGlbPassesTheKhronosValidator() throws Exception {
        assumeTrue(Files.isRegularFile(VALIDATOR.resolve("package.json")), "gltf-validator is not installed in " + VALIDATOR
                + " (scripts/setup --test)");
        Path glb = dir.resolve("blob.glb");
        try (Model3d model = Model3d.load(savedBlob().toString())) {
            Gltf.write(model.mesh("a red cone", 32), glb);
        }
        Path script = dir.resolve("validate-gltf.js");
        try (var in = Model3dTest.class.getResourceAsStream("/threed/validate-gltf.js")) {
            Files.copy(in, script);
        }
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), glb.toString()).redirectErrorStream(true);
        builder.environment().put("NODE_PATH", VALIDATOR.getParent().toAbsolutePath().toString());
        Process process;
        try {
            process = builder.start();
        } catch (java.io.IOException noNode) {
            assumeTrue(false, "node is not installed");
            return;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        JsonNode report = new ObjectMapper().readTree(output);
        assertThat(report.get("issues").get("numErrors").asInt()).as(output).isZero();
        assertThat(report.get("issues").get("numWarnings").asInt()).as(output).isZero();
    }
}
