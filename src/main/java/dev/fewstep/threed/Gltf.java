package dev.fewstep.threed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Binary glTF 2.0 (GLB): a 12-byte header (magic "glTF", version 2, total length), a JSON chunk padded with spaces
 * and a BIN chunk padded with zeros, each chunk 4-byte aligned. The mesh is one triangle primitive with POSITION (with
 * the min/max the specification requires), NORMAL, COLOR_0 (float RGB) and UNSIGNED_INT indices, each in its own
 * buffer view, under one node of one scene, with a plain non-metallic white material so the vertex colours show.
 */
public final class Gltf {
    static final int MAGIC = 0x46546C67; // "glTF"
    static final int CHUNK_JSON = 0x4E4F534A; // "JSON"
    static final int CHUNK_BIN = 0x004E4942; // "BIN\0"
    private static final int FLOAT = 5126;
    private static final int UNSIGNED_INT = 5125;
    private static final int ARRAY_BUFFER = 34962;
    private static final int ELEMENT_ARRAY_BUFFER = 34963;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Gltf() {}

    public static void write(Mesh mesh, Path path) throws IOException {
        OutputFiles.writeAtomically(path, glb(mesh));
    }

    /** The GLB bytes of a coloured mesh. */
    public static byte[] glb(Mesh mesh) {
        if (mesh.triangleCount() == 0) {
            throw new IllegalArgumentException("the mesh has no triangles: there is no surface to write");
        }
        int vertices = mesh.vertexCount();
        float[] colours = mesh.colours() != null ? mesh.colours() : grey(vertices);
        ByteBuffer bin = ByteBuffer.allocate(3 * 3 * 4 * vertices + 4 * mesh.indices().length).order(ByteOrder.LITTLE_ENDIAN);
        ObjectNode root = JSON.createObjectNode();
        root.putObject("asset").put("version", "2.0").put("generator", "fewstep");
        root.put("scene", 0);
        root.putArray("scenes").addObject().putArray("nodes").add(0);
        root.putArray("nodes").addObject().put("mesh", 0).put("name", "shape");
        ObjectNode primitive = root.putArray("meshes").addObject().putArray("primitives").addObject();
        ObjectNode material = root.putArray("materials").addObject().put("name", "vertex colours");
        ObjectNode pbr = material.putObject("pbrMetallicRoughness");
        pbr.putArray("baseColorFactor").add(1.0).add(1.0).add(1.0).add(1.0);
        pbr.put("metallicFactor", 0.0).put("roughnessFactor", 0.9);
        ArrayNode views = root.putArray("bufferViews");
        ArrayNode accessors = root.putArray("accessors");
        ObjectNode attributes = primitive.putObject("attributes");
        attributes.put("POSITION", floats(bin, views, accessors, mesh.positions(), vertices));
        float[] b = mesh.bounds();
        ((ObjectNode) accessors.get(0)).putArray("min").add(b[0]).add(b[1]).add(b[2]);
        ((ObjectNode) accessors.get(0)).putArray("max").add(b[3]).add(b[4]).add(b[5]);
        attributes.put("NORMAL", floats(bin, views, accessors, mesh.normals(), vertices));
        attributes.put("COLOR_0", floats(bin, views, accessors, colours, vertices));
        int offset = bin.position();
        for (int i : mesh.indices()) {
            bin.putInt(i);
        }
        views.addObject().put("buffer", 0).put("byteOffset", offset).put("byteLength", bin.position() - offset)
                .put("target", ELEMENT_ARRAY_BUFFER);
        accessors.addObject().put("bufferView", views.size() - 1).put("componentType", UNSIGNED_INT)
                .put("count", mesh.indices().length).put("type", "SCALAR");
        primitive.put("indices", accessors.size() - 1).put("material", 0).put("mode", 4);
        root.putArray("buffers").addObject().put("byteLength", bin.capacity());
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pack(json, bin.array());
    }

    /** Writes one VEC3 float attribute into the BIN chunk; returns its accessor's index. */
    private static int floats(ByteBuffer bin, ArrayNode views, ArrayNode accessors, float[] values, int count) {
        int offset = bin.position();
        for (float v : values) {
            bin.putFloat(v);
        }
        views.addObject().put("buffer", 0).put("byteOffset", offset).put("byteLength", 4 * values.length)
                .put("target", ARRAY_BUFFER);
        accessors.addObject().put("bufferView", views.size() - 1).put("componentType", FLOAT).put("count", count)
                .put("type", "VEC3");
        return accessors.size() - 1;
    }

    private static byte[] pack(byte[] json, byte[] bin) {
        int jsonLength = padded(json.length);
        int binLength = padded(bin.length);
        int total = 12 + 8 + jsonLength + 8 + binLength;
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(2).putInt(total);
        out.putInt(jsonLength).putInt(CHUNK_JSON).put(json);
        for (int i = json.length; i < jsonLength; i++) {
            out.put((byte) ' ');
        }
        out.putInt(binLength).putInt(CHUNK_BIN).put(bin);
        return out.array(); // the BIN padding is the zeros already there
    }

    private static int padded(int length) {
        return (length + 3) / 4 * 4;
    }

    private static float[] grey(int vertices) {
        float[] c = new float[3 * vertices];
        Arrays.fill(c, 0.8f);
        return c;
    }

}
