package dev.fewstep.metrics.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.text.TextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains an {@link ImageTextEncoder} on emoji images against the MiniLM embeddings of their names, keeping
 * the {@link HeldOutNames} out, and measures image-to-text retrieval among the held-out names.
 */
public final class ClipTrainer extends FeatureTrainer {
    /** Augmentation: each training image is shifted by up to this many pixels (no flips: arrows have sides). */
    public static final int MAX_SHIFT = 2;
    /** Pixel value of the white background the emoji were composited on. */
    private static final float BACKGROUND = 1f;

    private final ImageDataset data;
    private final EncoderConfig encoder;
    private final int embeddingDim;
    private final float[] nameEmbeddings;
    private final List<Integer> trainNames = new ArrayList<>();
    private final List<List<Integer>> imagesOfName = new ArrayList<>();

    public ClipTrainer(FeatureTrainConfig config, EncoderConfig encoder, int embeddingDim, ImageDataset data, Path outDir) {
        super(config, outDir);
        this.data = data;
        this.encoder = encoder;
        this.embeddingDim = embeddingDim;
        for (int p = 0; p < data.prompts().size(); p++) {
            imagesOfName.add(new ArrayList<>());
            if (!HeldOutNames.isHeldOut(data.prompts().get(p))) {
                trainNames.add(p);
            }
        }
        for (int i = 0; i < data.count(); i++) {
            imagesOfName.get(data.promptIndex()[i]).add(i);
        }
        trainNames.removeIf(p -> imagesOfName.get(p).isEmpty());
        if (trainNames.size() < config.batch()) {
            throw new IllegalArgumentException("a batch of " + config.batch() + " distinct names needs at least that many "
                    + "training names; the data has " + trainNames.size());
        }
        nameEmbeddings = TextEncoder.get().embedAll(data.prompts());
    }

    /**
     * The emoji image tower: conv 16, 32, 64 with pooling, 128-d features; shared space of 128. At 64×64 one more
     * stage of 64 halves the map once more, so the dense layer sees the same 4×4×64 as at 32×32.
     */
    public static EncoderConfig emojiEncoder(int channels, int size) {
        return new EncoderConfig(channels, size, size == 64 ? new int[] {16, 32, 64, 64} : new int[] {16, 32, 64}, 128, 8);
    }

    public static final int EMOJI_EMBEDDING_DIM = 128;

    @Override
    protected FeatureInfo info() {
        return new FeatureInfo(ImageTextEncoder.KIND, data.name(), encoder, data.prompts(), embeddingDim, Map.of());
    }

    /** {@code batch} distinct training names, one random image each, randomly shifted. */
    @Override
    protected NDArray batchLoss(FeatureNetwork network, NDManager scope, Random random) {
        int batch = config.batch();
        int length = data.imageLength();
        float[] images = new float[batch * length];
        float[] text = new float[batch * TextEncoder.DIM];
        List<Integer> names = new ArrayList<>(trainNames);
        for (int b = 0; b < batch; b++) {
            // Partial Fisher-Yates: distinct names, so no caption in the batch is a false negative of another.
            int pick = b + random.nextInt(names.size() - b);
            int name = names.get(pick);
            names.set(pick, names.get(b));
            names.set(b, name);
            List<Integer> candidates = imagesOfName.get(name);
            int image = candidates.get(random.nextInt(candidates.size()));
            shift(data, image, random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT,
                    random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT, images, b * length);
            System.arraycopy(nameEmbeddings, name * TextEncoder.DIM, text, b * TextEncoder.DIM, TextEncoder.DIM);
        }
        NDArray x = scope.create(images, new Shape(batch, data.channels(), data.size(), data.size()));
        return ((ImageTextEncoder) network).loss(x, scope.create(text, new Shape(batch, TextEncoder.DIM)));
    }

    /** Copies image {@code i} moved by (dx, dy) pixels, filling the uncovered border with the white background. */
    static void shift(ImageDataset data, int i, int dx, int dy, float[] target, int offset) {
        int size = data.size();
        int base = i * data.imageLength();
        for (int c = 0; c < data.channels(); c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int sx = x - dx;
                    int sy = y - dy;
                    boolean inside = sx >= 0 && sx < size && sy >= 0 && sy < size;
                    target[offset + (c * size + y) * size + x] =
                            inside ? data.pixels()[base + (c * size + sy) * size + sx] : BACKGROUND;
                }
            }
        }
    }

    @Override
    protected Map<String, String> evaluate(FeatureNetwork network) {
        ImageTextEncoder clip = (ImageTextEncoder) network;
        List<Integer> heldOut = new ArrayList<>();
        for (int p = 0; p < data.prompts().size(); p++) {
            if (HeldOutNames.isHeldOut(data.prompts().get(p)) && !imagesOfName.get(p).isEmpty()) {
                heldOut.add(p);
            }
        }
        Map<String, String> measured = new LinkedHashMap<>();
        measured.put("heldout_names", Integer.toString(heldOut.size()));
        measured.put("logit_scale", String.format("%.2f", clip.logitScale()));
        if (heldOut.isEmpty()) {
            return measured;
        }
        RetrievalScores scores = retrieval(clip, data, heldOut);
        measured.put("heldout_images", Integer.toString(scores.images()));
        measured.put("heldout_top1", String.format("%.4f", scores.top1()));
        measured.put("heldout_top5", String.format("%.4f", scores.top5()));
        measured.put("heldout_top1_among_all_names", String.format("%.4f", scores.top1AmongAll()));
        measured.put("heldout_top5_among_all_names", String.format("%.4f", scores.top5AmongAll()));
        return measured;
    }

    /** Image-to-text retrieval of the images of {@code names}: among those names only, and among all names. */
    public record RetrievalScores(int images, double top1, double top5, double top1AmongAll, double top5AmongAll) {}

    public static RetrievalScores retrieval(ImageTextEncoder clip, ImageDataset data, List<Integer> names) {
        int dim = clip.embeddingDim();
        List<Integer> imageRows = new ArrayList<>();
        List<Integer> truthAmongNames = new ArrayList<>();
        for (int i = 0; i < data.count(); i++) {
            int position = names.indexOf(data.promptIndex()[i]);
            if (position >= 0) {
                imageRows.add(i);
                truthAmongNames.add(position);
            }
        }
        NDManager parent = clip.getParameters().valueAt(0).getArray().getManager();
        float[] imageEmbeddings = new float[imageRows.size() * dim];
        int length = data.imageLength();
        for (int first = 0; first < imageRows.size(); first += FeatureModel.BATCH) {
            int size = Math.min(FeatureModel.BATCH, imageRows.size() - first);
            float[] images = new float[size * length];
            for (int b = 0; b < size; b++) {
                data.copyImage(imageRows.get(first + b), images, b * length);
            }
            try (NDManager scope = parent.newSubManager()) {
                float[] embedded = clip.imageEmbeddings(
                        scope.create(images, new Shape(size, data.channels(), data.size(), data.size()))).toFloatArray();
                System.arraycopy(embedded, 0, imageEmbeddings, first * dim, embedded.length);
            }
        }
        float[] allText;
        try (NDManager scope = parent.newSubManager()) {
            float[] sentences = TextEncoder.get().embedAll(data.prompts());
            allText = clip.textEmbeddings(scope.create(sentences, new Shape(data.prompts().size(), TextEncoder.DIM)))
                    .toFloatArray();
        }
        float[] namesText = new float[names.size() * dim];
        for (int j = 0; j < names.size(); j++) {
            System.arraycopy(allText, names.get(j) * dim, namesText, j * dim, dim);
        }
        int[] truth = truthAmongNames.stream().mapToInt(Integer::intValue).toArray();
        int[] truthAll = imageRows.stream().mapToInt(i -> data.promptIndex()[i]).toArray();
        return new RetrievalScores(imageRows.size(),
                Retrieval.topK(imageEmbeddings, namesText, truth, dim, 1),
                Retrieval.topK(imageEmbeddings, namesText, truth, dim, 5),
                Retrieval.topK(imageEmbeddings, allText, truthAll, dim, 1),
                Retrieval.topK(imageEmbeddings, allText, truthAll, dim, 5));
    }
}
