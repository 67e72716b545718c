package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GltfTest {
    static final Path VALIDATOR = Path.of("target", "node", "node_modules", "gltf-validator");

    @TempDir
    Path dir;

    private static Mesh mesh() {
        return ShapeExport.mesh(Captions.parse("a red cone on a blue cube"), 24);
    }

    @Test
    void aGlbReadsBackWithItsHeaderChunksCountsAndValues() throws Exception {
        Mesh mesh = mesh();
        Path file = dir.resolve("cone.glb");
        Gltf.write(mesh, file);
        byte[] bytes = Files.readAllBytes(file);
        GlbFile glb = GlbFile.read(bytes);
        assertThat(glb.version()).isEqualTo(2);
        assertThat(glb.length()).isEqualTo(bytes.length);
        assertThat(glb.jsonChunkLength() % 4).isZero();
        assertThat(glb.binChunkLength() % 4).isZero();
        assertThat(12 + 8 + glb.jsonChunkLength() + 8 + glb.binChunkLength()).isEqualTo(bytes.length);
        assertThat(glb.json().get("asset").get("version").asText()).isEqualTo("2.0");
        assertThat(glb.json().get("buffers").get(0).get("byteLength").asInt()).isLessThanOrEqualTo(glb.binChunkLength());
        JsonNode attributes = glb.json().get("meshes").get(0).get("primitives").get(0).get("attributes");
        JsonNode position = glb.json().get("accessors").get(attributes.get("POSITION").asInt());
        assertThat(position.get("count").asInt()).isEqualTo(mesh.vertexCount());
        assertThat(glb.json().get("accessors").get(attributes.get("COLOR_0").asInt()).get("count").asInt()).isEqualTo(mesh.vertexCount());
        assertThat(glb.floats(attributes.get("POSITION").asInt())).containsExactly(mesh.positions());
        assertThat(glb.floats(attributes.get("NORMAL").asInt())).containsExactly(mesh.normals());
        assertThat(glb.floats(attributes.get("COLOR_0").asInt())).containsExactly(mesh.colours());
        assertThat(glb.indices()).containsExactly(mesh.indices());
        float[] bounds = mesh.bounds();
        for (int k = 0; k < 3; k++) {
            assertThat((float) position.get("min").get(k).asDouble()).isEqualTo(bounds[k]);
            assertThat((float) position.get("max").get(k).asDouble()).isEqualTo(bounds[3 + k]);
        }
        for (JsonNode view : glb.json().get("bufferViews")) {
            assertThat(view.get("byteOffset").asInt() % 4).isZero();
        }
    }

    @Test
    void aMeshWithoutTrianglesIsRefused() {
        Mesh empty = new Mesh(new float[0], new float[0], null, new int[0]);
        assertThatThrownBy(() -> Gltf.glb(empty)).hasMessageContaining("no triangles");
    }

    @Test
    void theObjHasOneLinePerVertexNormalAndFace() {
        Mesh mesh = mesh();
        String obj = Obj.text(mesh);
        assertThat(obj.lines().filter(l -> l.startsWith("v ")).count()).isEqualTo(mesh.vertexCount());
        assertThat(obj.lines().filter(l -> l.startsWith("vn ")).count()).isEqualTo(mesh.vertexCount());
        assertThat(obj.lines().filter(l -> l.startsWith("f ")).count()).isEqualTo(mesh.triangleCount());
        assertThat(obj.lines().filter(l -> l.startsWith("v ")).findFirst().orElseThrow().split(" ")).hasSize(7); // xyz rgb
    }

    /** The Khronos validator (npm gltf-validator 2.0.0-dev.3.10 under target/node, installed by scripts/setup --test). */
    @Test
    void theKhronosValidatorFindsNoErrorInOurGlb() throws Exception {
        assumeTrue(Files.isRegularFile(VALIDATOR.resolve("package.json")),
                "gltf-validator is not installed in " + VALIDATOR + " (run scripts/setup --test, or npm install --prefix"
                        + " target/node gltf-validator@2.0.0-dev.3.10)");
        assumeTrue(nodeRuns(), "node is not installed (scripts/setup --test installs it)");
        Path glb = dir.resolve("scene.glb");
        Gltf.write(ShapeExport.mesh(Captions.parse("a small green sphere next to a large yellow torus"), 32), glb);
        Path script = dir.resolve("validate-gltf.js");
        try (var in = GltfTest.class.getResourceAsStream("/threed/validate-gltf.js")) {
            Files.copy(in, script);
        }
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), glb.toString()).redirectErrorStream(true);
        builder.environment().put("NODE_PATH", VALIDATOR.getParent().toAbsolutePath().toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        JsonNode report = new ObjectMapper().readTree(output);
        assertThat(report.get("issues").get("numErrors").asInt()).as(output).isZero();
        assertThat(report.get("issues").get("numWarnings").asInt()).as(output).isZero();
        assertThat(report.get("info").get("totalTriangleCount").asInt()).isPositive();
    }

    private static boolean nodeRuns() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
