package dev.fewstep.threed.asd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.CheckpointException;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of the amortized generator: prompt embedding → a decoder of {@code hidden} units → triplanes
 * (3, {@code channels}, {@code resolution}, {@code resolution}) → a point MLP of {@code pointHidden} units → density
 * and colour, rendered with {@code samples} points per ray. {@code blob} is the height of the initial density bump at
 * the centre (Magic3D's "density blob", threestudio's {@code density_blob_scale}) that gives the first renders an object
 * for the teacher to shape.
 */
public record GeneratorConfig(int textDim, int hidden, int channels, int resolution, int pointHidden, int samples,
        double blob, double blobRadius) {
    public static final GeneratorConfig DEFAULTS = new GeneratorConfig(384, 128, 8, 16, 32, 32, 10, 0.5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Refuses shapes out of range before memory is allocated for them. */
    public GeneratorConfig validated() {
        List<String> errors = new ArrayList<>();
        if (textDim < 1 || textDim > 4096) errors.add("textDim " + textDim + " (1 to 4096)");
        if (hidden < 8 || hidden > 2048) errors.add("hidden " + hidden + " (8 to 2048)");
        if (channels < 1 || channels > 64) errors.add("channels " + channels + " (1 to 64)");
        if (resolution < 2 || resolution > 128) errors.add("resolution " + resolution + " (2 to 128)");
        if (pointHidden < 4 || pointHidden > 512) errors.add("pointHidden " + pointHidden + " (4 to 512)");
        if (samples < 4 || samples > 256) errors.add("samples " + samples + " (4 to 256)");
        if (!(blob >= 0 && blob <= 100)) errors.add("blob " + blob + " (0 to 100)");
        if (!(blobRadius > 0 && blobRadius <= 2)) errors.add("blobRadius " + blobRadius + " (above 0, at most 2)");
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("generator shape out of range: " + String.join(", ", errors));
        }
        return this;
    }

    /** Outputs of the decoder's last layer: three planes of C × R × R. */
    long planeValues() {
        return 3L * channels * resolution * resolution;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static GeneratorConfig fromJson(String json, String source) {
        try {
            return JSON.readValue(json, GeneratorConfig.class).validated();
        } catch (JsonProcessingException | RuntimeException e) {
            throw new CheckpointException(source + " has no valid generator shape: " + e.getMessage(), e);
        }
    }
}
