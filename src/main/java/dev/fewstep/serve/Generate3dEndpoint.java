package dev.fewstep.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.threed.Gltf;
import dev.fewstep.threed.Mesh;
import dev.fewstep.threed.asd.Generator3dFile;
import dev.fewstep.threed.asd.Model3d;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /v1/generate3d}: {@code {"model": "shapes-asd", "prompt": "a red cone"}} → the object as a GLB (marching
 * cubes at {@value #MESH_RESOLUTION}³) and a 24-frame turntable GIF at {@value #TURNTABLE_SIZE}², both base64. The cost
 * of a request is fixed by these sizes, and one object is made at a time (429 with Retry-After otherwise).
 */
final class Generate3dEndpoint implements AutoCloseable {
    static final String PATH = "/v1/generate3d";
    static final int MESH_RESOLUTION = 48;
    static final int TURNTABLE_SIZE = 64;
    private static final int MAX_BODY = 4096;
    private static final Set<String> FIELDS = Set.of("model", "prompt");

    private final Path modelsRoot;
    private final ObjectMapper json;
    private final Semaphore oneAtATime = new Semaphore(1);
    private final Map<String, Model3d> loaded = new ConcurrentHashMap<>();

    Generate3dEndpoint(Path modelsRoot, ObjectMapper json) {
        this.modelsRoot = modelsRoot;
        this.json = json;
    }

    void generate(Context ctx) throws IOException {
        JsonNode body;
        try {
            body = json.readTree(RequestBody.read(ctx, MAX_BODY));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new dev.fewstep.generate.InvalidRequestException("body", "the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            throw new dev.fewstep.generate.InvalidRequestException("body", "the body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new dev.fewstep.generate.InvalidRequestException(name, "unknown field '" + name + "' (fields: model, prompt)");
            }
        }
        String modelName = text(body, "model");
        String prompt = Model3d.checkPrompt(text(body, "prompt"));
        Model3d model = model(modelName);
        if (!oneAtATime.tryAcquire()) {
            ctx.header("Retry-After", "2");
            ctx.status(429).json(new ApiError("a 3D object is being made; try again shortly", null));
            return;
        }
        try {
            long start = System.nanoTime();
            Mesh mesh = model.mesh(prompt, MESH_RESOLUTION);
            if (mesh.triangleCount() == 0) {
                throw new dev.fewstep.generate.InvalidRequestException("prompt", modelName + " made no surface for \"" + prompt + "\"");
            }
            byte[] glb = Gltf.glb(mesh);
            byte[] gif = model.turntable(prompt, TURNTABLE_SIZE);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", modelName);
            out.put("prompt", prompt);
            out.put("vertices", mesh.vertexCount());
            out.put("triangles", mesh.triangleCount());
            out.put("seconds", Math.round((System.nanoTime() - start) / 1e6) / 1e3);
            out.put("glb_base64", Base64.getEncoder().encodeToString(glb));
            out.put("turntable_gif_base64", Base64.getEncoder().encodeToString(gif));
            ctx.json(out);
        } finally {
            oneAtATime.release();
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw new dev.fewstep.generate.InvalidRequestException(field, "'" + field + "' must be given as a string");
        }
        return value.asText();
    }

    /** A 3D generator in the models folder by plain name; anything else is 400, a missing one 404. */
    private Model3d model(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new dev.fewstep.generate.InvalidRequestException("model", "'model' must be a model name");
        }
        Path dir = modelsRoot.resolve(name);
        if (!Files.isRegularFile(dir.resolve(Generator3dFile.FILE))) {
            throw new UnknownModelException("no 3D generator named '" + name + "'");
        }
        return loaded.computeIfAbsent(name, n -> Model3d.load(dir));
    }

    @Override
    public void close() {
        loaded.values().forEach(Model3d::close);
        loaded.clear();
    }
}
