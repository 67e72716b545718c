package dev.fewstep.serve;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fewstep.nn.NativeMemory;
import dev.fewstep.threed.asd.Generator3dFile;
import dev.fewstep.threed.asd.GeneratorConfig;
import dev.fewstep.threed.asd.TriplaneGenerator;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Generate3dEndpointTest {
    @TempDir
    Path models;

    /** A generator whose field is its density blob alone (every weight zero): a grey ball for any prompt. */
    private void blobGenerator(String name) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            TriplaneGenerator generator = TriplaneGenerator.create(new GeneratorConfig(384, 16, 4, 8, 8, 32, 10, 0.5), manager);
            for (Pair<String, Parameter> p : generator.getParameters()) {
                NativeMemory.zero(p.getValue().getArray());
            }
            Path dir = Files.createDirectories(models.resolve(name));
            Generator3dFile.write(dir.resolve(Generator3dFile.FILE), generator, "asd3d", Map.of());
        }
    }

    @Test
    void aPromptBecomesAGlbAndATurntableAndBadInputIsA4xx() throws Exception {
        TestServers.tinyModels(models);
        blobGenerator("blob-3d");
        try (Server server = TestServers.started(TestServers.settings(models))) {
            HttpClient client = TestServers.client();
            HttpResponse<String> ok = TestServers.postJson(client, server, "/v1/generate3d",
                    "{\"model\": \"blob-3d\", \"prompt\": \"a red cone\"}");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            JsonNode body = TestServers.JSON.readTree(ok.body());
            byte[] glb = Base64.getDecoder().decode(body.get("glb_base64").asText());
            byte[] gif = Base64.getDecoder().decode(body.get("turntable_gif_base64").asText());
            assertThat(new String(glb, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("glTF");
            assertThat(new String(gif, 0, 6, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
            assertThat(body.get("triangles").asInt()).isPositive();

            for (String bad : new String[] {"{\"model\": \"blob-3d\", \"prompt\": \"a red banana\"}",
                    "{\"model\": \"tiny-teacher\", \"prompt\": \"a red cone\"}", "{\"model\": \"../x\", \"prompt\": \"a red cone\"}",
                    "{\"model\": \"blob-3d\"}", "{\"model\": \"blob-3d\", \"prompt\": \"a red cone\", \"steps\": 4}", "[1]", "{"}) {
                HttpResponse<String> refused = TestServers.postJson(client, server, "/v1/generate3d", bad);
                assertThat(refused.statusCode()).as(bad + " -> " + refused.body()).isBetween(400, 499);
                assertThat(TestServers.JSON.readTree(refused.body()).get("error").asText()).isNotBlank();
            }
        }
    }
}
