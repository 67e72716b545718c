package dev.fewstep.threed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A GLB read back by the tests, checking the container as the specification lays it out. */
record GlbFile(int version, int length, JsonNode json, ByteBuffer bin, int jsonChunkLength, int binChunkLength) {

    static GlbFile read(byte[] bytes) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.getInt() != Gltf.MAGIC) {
            throw new IOException("not a GLB: wrong magic");
        }
        int version = in.getInt();
        int length = in.getInt();
        int jsonLength = in.getInt();
        if (in.getInt() != Gltf.CHUNK_JSON) {
            throw new IOException("the first chunk is not JSON");
        }
        byte[] json = new byte[jsonLength];
        in.get(json);
        int binLength = in.getInt();
        if (in.getInt() != Gltf.CHUNK_BIN) {
            throw new IOException("the second chunk is not BIN");
        }
        ByteBuffer bin = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        bin.limit(binLength);
        return new GlbFile(version, length, new ObjectMapper().readTree(new String(json, StandardCharsets.UTF_8).strip()),
                bin, jsonLength, binLength);
    }

    /** The floats of a VEC3 accessor. */
    float[] floats(int accessor) {
        JsonNode a = json.get("accessors").get(accessor);
        JsonNode view = json.get("bufferViews").get(a.get("bufferView").asInt());
        float[] out = new float[3 * a.get("count").asInt()];
        ByteBuffer b = bin.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(view.get("byteOffset").asInt());
        b.asFloatBuffer().get(out);
        return out;
    }

    int[] indices() {
        JsonNode a = json.get("accessors").get(json.get("meshes").get(0).get("primitives").get(0).get("indices").asInt());
        JsonNode view = json.get("bufferViews").get(a.get("bufferView").asInt());
        int[] out = new int[a.get("count").asInt()];
        ByteBuffer b = bin.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(view.get("byteOffset").asInt());
        b.asIntBuffer().get(out);
        return out;
    }
}
