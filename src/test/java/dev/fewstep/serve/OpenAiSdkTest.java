package dev.fewstep.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.models.Model;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAI-compatible endpoints, called by OpenAI's own Java SDK against a server over tiny models. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiSdkTest {
    private Path models;
    private Server server;
    private OpenAIClient openAi;

    @BeforeAll
    void start(@TempDir Path folder) throws IOException {
        models = TestServers.tinyModels(folder);
        server = TestServers.started(TestServers.settings(models));
        // No retries: every request here is answered at once, and a retried failure would hide what the server said.
        openAi = OpenAIOkHttpClient.builder().baseUrl(TestServers.base(server) + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    void stop() {
        openAi.close();
        server.close();
    }

    @Test
    void generatesBase64PngsUpscaledToTheAskedSize() throws IOException {
        long before = Instant.now().getEpochSecond();
        ImagesResponse response = openAi.images().generate(ImageGenerateParams.builder()
                .prompt("stripes").model(TestServers.STUDENT).n(2).size("64x64")
                .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON).user("someone").build());
        assertThat(response.created()).isBetween(before, Instant.now().getEpochSecond());
        List<Image> images = response.data().orElseThrow();
        assertThat(images).hasSize(2);
        for (Image image : images) {
            BufferedImage decoded = decode(image.b64Json().orElseThrow());
            assertThat(decoded.getWidth()).isEqualTo(64); // the tiny model's 32 pixels, doubled
            assertThat(decoded.getHeight()).isEqualTo(64);
        }
        // Two seeds, two images: the second is not a copy of the first.
        assertThat(images.get(0).b64Json()).isNotEqualTo(images.get(1).b64Json());
    }

    @Test
    void takesFewstepSettingsAsExtraFieldsAndAnswersDataUrls() throws IOException {
        ImageGenerateParams params = ImageGenerateParams.builder()
                .prompt("bright square").model(TestServers.TEACHER).size("32x32")
                .responseFormat(ImageGenerateParams.ResponseFormat.URL)
                .putAdditionalBodyProperty("sampler", JsonValue.from("euler"))
                .putAdditionalBodyProperty("steps", JsonValue.from(2))
                .putAdditionalBodyProperty("cfg", JsonValue.from(1.0))
                .putAdditionalBodyProperty("seed", JsonValue.from(7))
                .build();
        String first = openAi.images().generate(params).data().orElseThrow().get(0).url().orElseThrow();
        String again = openAi.images().generate(params).data().orElseThrow().get(0).url().orElseThrow();
        String prefix = "data:image/png;base64,";
        assertThat(first).startsWith(prefix);
        assertThat(decode(first.substring(prefix.length())).getWidth()).isEqualTo(32);
        assertThat(again).as("the same seed makes the same image").isEqualTo(first);
    }

    @Test
    void listsModelsInOpenAiShapeBesideFewstepCatalogue() throws Exception {
        List<Model> listed = openAi.models().list().data();
        assertThat(listed).extracting(Model::id).containsExactly(TestServers.STUDENT, TestServers.TEACHER);
        for (Model model : listed) {
            assertThat(model.ownedBy()).isEqualTo("fewstep");
            long written = Files.getLastModifiedTime(models.resolve(model.id()).resolve("model.safetensors")).toInstant().getEpochSecond();
            assertThat(model.created()).isCloseTo(written, within(1L));
        }
        // The page's catalogue is still in the same body.
        HttpResponse<String> raw = TestServers.get(TestServers.client(), server, "/v1/models");
        JsonNode body = TestServers.json(raw);
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("models")).hasSize(2);
        assertThat(body.path("default").asText()).isEqualTo(TestServers.STUDENT);
    }

    @Test
    void zeroImagesIsABadRequestNamingN() {
        assertThatThrownBy(() -> openAi.images().generate(ImageGenerateParams.builder()
                .prompt("stripes").model(TestServers.STUDENT).n(0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).hasValue("n");
                    assertThat(e.type()).hasValue("invalid_request_error");
                    assertThat(e.getMessage()).contains("n must be between 1 and 64, got 0");
                });
    }

    @Test
    void unknownModelIsNotFound() {
        assertThatThrownBy(() -> openAi.images().generate(ImageGenerateParams.builder()
                .prompt("stripes").model("dall-e-3").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.param()).hasValue("model");
                    assertThat(e.getMessage()).contains("unknown model 'dall-e-3'", TestServers.TEACHER);
                });
    }

    @Test
    void sizeMustBeTheModelsSizeTimesAWholeScale() {
        for (String size : List.of("1024x1024", "48x48", "32x64", "0x0", "large")) {
            assertThatThrownBy(() -> openAi.images().generate(ImageGenerateParams.builder()
                    .prompt("stripes").model(TestServers.STUDENT).size(size).build()))
                    .as(size)
                    .isInstanceOfSatisfying(BadRequestException.class, e -> {
                        assertThat(e.param()).hasValue("size");
                        assertThat(e.getMessage()).contains("32x32", "512x512", "got '" + size + "'");
                    });
        }
    }

    @Test
    void fewstepsOwnEndpointsKeepTheirErrorShape() throws Exception {
        HttpResponse<String> response = TestServers.postJson(TestServers.client(), server, "/v1/generate",
                "{\"prompt\": \"stripes\", \"model\": \"dall-e-3\"}");
        TestServers.assertBadRequest(response, "model");
        assertThat(TestServers.json(response).has("error")).isTrue();
        assertThat(TestServers.json(response).path("error").isTextual()).isTrue();
    }

    @Test
    void unknownFieldsAreRefusedByName() {
        assertThatThrownBy(() -> openAi.images().generate(ImageGenerateParams.builder()
                .prompt("stripes").model(TestServers.STUDENT).putAdditionalBodyProperty("scale", JsonValue.from(2)).build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).hasValue("scale");
                });
    }

    private static BufferedImage decode(String base64) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }
}
