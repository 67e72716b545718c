package dev.fewstep.serve;

import static dev.fewstep.serve.TestServers.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fewstep.testing.TinyModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/generate} with a condition image (and a mask) as base64 PNG for conditional models. */
class ConditionalServeTest {
    private Server server;
    private final HttpClient client = TestServers.client();

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        Path models = TestServers.tinyModels(dir.resolve("models"));
        TinyModels.controlled(models, "tiny-sr", "superres");
        TinyModels.controlled(models, "tiny-inpaint", "inpaint");
        server = TestServers.started(TestServers.settings(models));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String png(int size, int grey) throws Exception {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, (x < size / 2 ? grey : 255 - grey) * 0x010101);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private HttpResponse<String> post(String body) throws Exception {
        return postJson(client, server, "/v1/generate", body);
    }

    @Test
    void aConditionalModelGeneratesFromItsConditionAndItsMask() throws Exception {
        HttpResponse<String> sr = post("{\"model\": \"tiny-sr\", \"prompt\": \"stripes\", \"sampler\": \"euler\", \"steps\": 2,"
                + " \"condition\": \"data:image/png;base64," + png(8, 40) + "\"}");
        assertThat(sr.statusCode()).as(sr.body()).isEqualTo(200);
        assertThat(TestServers.json(sr).path("images")).hasSize(1);
        HttpResponse<String> inpaint = post("{\"model\": \"tiny-inpaint\", \"prompt\": \"stripes\", \"sampler\": \"euler\","
                + " \"steps\": 2, \"condition\": \"" + png(32, 40) + "\", \"mask\": \"" + png(32, 0) + "\"}");
        assertThat(inpaint.statusCode()).as(inpaint.body()).isEqualTo(200);
    }

    @Test
    void conditionsThatDoNotFitAreBadRequestsNamingTheField() throws Exception {
        HttpResponse<String> missing = post("{\"model\": \"tiny-sr\", \"prompt\": \"stripes\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("condition").contains("superres model");
        HttpResponse<String> maskOnSr = post("{\"model\": \"tiny-sr\", \"prompt\": \"stripes\", \"condition\": \""
                + png(8, 40) + "\", \"mask\": \"" + png(8, 0) + "\"}");
        assertThat(maskOnSr.statusCode()).isEqualTo(400);
        assertThat(maskOnSr.body()).contains("only for inpainting");
        HttpResponse<String> notAnImage = post("{\"model\": \"tiny-sr\", \"prompt\": \"stripes\", \"condition\": \""
                + Base64.getEncoder().encodeToString("hello".getBytes()) + "\"}");
        assertThat(notAnImage.statusCode()).isEqualTo(400);
        assertThat(notAnImage.body()).contains("not an image");
        HttpResponse<String> notBase64 = post("{\"model\": \"tiny-sr\", \"prompt\": \"stripes\", \"condition\": \"%%%\"}");
        assertThat(notBase64.statusCode()).isEqualTo(400);
        HttpResponse<String> onTeacher = post("{\"model\": \"tiny-teacher\", \"prompt\": \"stripes\", \"condition\": \""
                + png(8, 40) + "\"}");
        assertThat(onTeacher.statusCode()).isEqualTo(400);
        assertThat(onTeacher.body()).contains("not a conditional model");
    }
}
