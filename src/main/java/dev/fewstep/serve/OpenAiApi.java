package dev.fewstep.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fewstep.generate.InvalidRequestException;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI's images API over fewstep's generation, so that OpenAI's SDKs and the tools built on them can call a fewstep
 * server: {@code POST /v1/images/generations}, and the OpenAI fields of {@code GET /v1/models}.
 *
 * <p>A request is translated into a {@link GenerationOrder} and runs exactly as {@code POST /v1/generate} does (same
 * queue, limits, time-out and cancellation); only the fields, the answer and the error bodies are OpenAI's.
 * {@code response_format: "url"} answers a {@code data:} URL: the server keeps no images, so there is nothing to
 * expire or to clean up, and a client that follows the URL gets the same bytes.
 */
final class OpenAiApi {
    static final String IMAGES_PATH = "/v1/images/generations";
    static final List<String> FIELDS = List.of("prompt", "model", "n", "size", "response_format", "user");
    /** fewstep's own knobs, accepted so that an OpenAI client can still pick them (as extra body properties). */
    static final List<String> FEWSTEP_FIELDS = List.of("sampler", "steps", "cfg", "seed");
    static final String OWNER = "fewstep";

    private static final Pattern SIZE = Pattern.compile("(\\d{1,6})x(\\d{1,6})");

    /** OpenAI's answer: {@code data} holds one entry per image, in seed order. */
    record ImagesResponse(long created, List<ImageData> data) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ImageData(@JsonProperty("b64_json") String b64Json, String url) {}

    /** OpenAI's error body; {@code param} and {@code code} are written as null, as OpenAI does, not left out. */
    record ErrorResponse(Error error) {}

    record Error(String message, String type, String param, String code) {}

    /** One entry of OpenAI's model list. */
    record ModelEntry(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {}

    /** An images request: what to generate, and whether to answer base64 or a URL. */
    record ImagesOrder(GenerationOrder order, boolean url) {}

    private final ModelRegistry registry;
    private final GenerateEndpoints generate;

    OpenAiApi(ModelRegistry registry, GenerateEndpoints generate) {
        this.registry = registry;
        this.generate = generate;
    }

    void images(Context ctx) {
        GenerateEndpoints.requireJsonBody(ctx);
        ImagesOrder images = parse(RequestBody.read(ctx, Server.MAX_BODY_BYTES), registry);
        GenerateEndpoints.Finished finished = generate.run(ctx, images.order());
        if (finished == null) {
            return; // the client left; there is nobody to answer
        }
        Base64.Encoder base64 = Base64.getEncoder();
        List<ImageData> data = new ArrayList<>();
        for (int i = 0; i < finished.result().count(); i++) {
            String png = base64.encodeToString(GenerationResponse.png(finished.job(), finished.result(), i, images.order().scale()));
            data.add(images.url() ? new ImageData(null, "data:image/png;base64," + png) : new ImageData(png, null));
        }
        ctx.json(new ImagesResponse(Instant.now().getEpochSecond(), data));
    }

    /**
     * Translates an OpenAI body. {@code size} must be the model's own size times a whole scale (32x32, 64x64, ... for
     * a 32-pixel model): the network makes one size, and the PNG is only ever enlarged by whole pixels.
     *
     * @throws UnknownModelException for a model the server does not have (a 404 here)
     * @throws InvalidRequestException naming the field at fault
     */
    static ImagesOrder parse(String body, ModelRegistry registry) {
        JsonNode root = GenerationOrder.object(body);
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            String name = fields.next().getKey();
            if (!FIELDS.contains(name) && !FEWSTEP_FIELDS.contains(name)) {
                throw new InvalidRequestException(name, "unknown field '" + name + "'; known fields: "
                        + String.join(", ", FIELDS) + ", and fewstep's " + String.join(", ", FEWSTEP_FIELDS));
            }
        }
        String format = GenerationOrder.text(root, "response_format").orElse("b64_json");
        if (!format.equals("b64_json") && !format.equals("url")) {
            throw new InvalidRequestException("response_format", "response_format must be b64_json or url, got '" + format + "'");
        }
        // OpenAI uses 'user' to trace abuse to an end user; a fewstep server has no accounts, so it is only type-checked.
        GenerationOrder.text(root, "user");
        String model = GenerationOrder.text(root, "model").orElseGet(() -> registry.defaultModel().orElseThrow(
                () -> new InvalidRequestException("model", "no models are installed on this server")));
        int side = registry.info(model).imageSize();
        int scale = GenerationOrder.text(root, "size").map(size -> scale(size, side)).orElse(GenerationOrder.DEFAULT_SCALE);
        ObjectNode fields = root.deepCopy();
        fields.remove(List.of("size", "response_format", "user"));
        fields.put("model", model);
        fields.put("scale", scale);
        return new ImagesOrder(GenerationOrder.fromFields(fields, Optional::empty), format.equals("url"));
    }

    /** The upscale factor a {@code WxH} size asks of a model that makes {@code side}-pixel images. */
    static int scale(String size, int side) {
        Matcher matcher = SIZE.matcher(size.strip());
        if (matcher.matches()) {
            int width = Integer.parseInt(matcher.group(1));
            int height = Integer.parseInt(matcher.group(2));
            if (width == height && width % side == 0 && width / side >= 1 && width / side <= GenerationOrder.MAX_SCALE) {
                return width / side;
            }
        }
        int largest = side * GenerationOrder.MAX_SCALE;
        throw new InvalidRequestException("size", "size must be WxH with W = H = " + side + " (the model's size) times 1 to "
                + GenerationOrder.MAX_SCALE + ": " + side + "x" + side + ", " + 2 * side + "x" + 2 * side + ", ... "
                + largest + "x" + largest + "; got '" + size + "'");
    }

    /** OpenAI's {@code data} of {@code GET /v1/models}: one entry per model, created when its file was written. */
    static List<ModelEntry> modelEntries(ModelRegistry registry, List<ModelRegistry.Entry> entries) {
        return entries.stream().map(entry -> new ModelEntry(entry.name(), "model",
                registry.modified(entry.name()).map(Instant::getEpochSecond).orElse(0L), OWNER)).toList();
    }

    /** Whether a request came to the OpenAI-compatible endpoints, whose errors must have OpenAI's shape. */
    static boolean speaksOpenAi(Context ctx) {
        return ctx.path().startsWith("/v1/images/");
    }

    /** OpenAI's error body: its SDKs read {@code error.message}; {@code type} says whose fault it was. */
    static ErrorResponse error(int status, String message, String param) {
        return new ErrorResponse(new Error(message, status >= 500 ? "server_error" : "invalid_request_error", param, null));
    }
}
