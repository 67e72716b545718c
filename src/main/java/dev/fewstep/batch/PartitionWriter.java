package dev.fewstep.batch;

import dev.fewstep.generate.Generation;
import dev.fewstep.generate.ImageParameters;
import dev.fewstep.generate.Images;
import dev.fewstep.generate.NonFiniteImagesException;
import dev.fewstep.generate.PngText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * A Spark task: the images of one partition's prompt lines, and their manifest entries. An image whose file exists
 * is not made again (Spark re-runs failed tasks, and a rerun of the batch resumes), but its entry is rebuilt from the
 * file's bytes and parameters, so the manifest is complete whichever run wrote the file. Files are written under a
 * temporary name and renamed, so a killed task leaves no half-written PNG under a final name. Bad input (and a
 * model that makes non-finite pixels, which the CLI also reports as such) ends the partition with a
 * {@link PartitionResult#problem()}.
 */
final class PartitionWriter implements FlatMapFunction<Iterator<ImageTask>, PartitionResult> {
    private final String out;
    private final String modelHash;

    /** @param out the output folder, as every executor sees it */
    PartitionWriter(String out, String modelHash) {
        this.out = out;
        this.modelHash = modelHash;
    }

    @Override
    public Iterator<PartitionResult> call(Iterator<ImageTask> tasks) {
        Path dir = Path.of(out);
        List<ManifestEntry> entries = new ArrayList<>();
        try {
            while (tasks.hasNext()) {
                entries.addAll(write(dir, tasks.next()));
            }
        } catch (IllegalArgumentException | NonFiniteImagesException e) {
            return List.of(new PartitionResult(entries, e.getMessage())).iterator();
        } catch (IOException e) {
            return List.of(new PartitionResult(entries, "cannot write to " + out + ": " + e)).iterator();
        }
        return List.of(new PartitionResult(entries, null)).iterator();
    }

    private List<ManifestEntry> write(Path dir, ImageTask task) throws IOException {
        byte[][] made = new byte[task.n()][];
        int nfe = 0;
        boolean missing = false;
        for (int i = 0; i < task.n(); i++) {
            missing |= !Files.exists(dir.resolve(task.fileName(i)));
        }
        if (missing) {
            // The whole line at its own batch size, as generate runs it: the same call gives the same pixels.
            Generation.Result result = Generation.generate(LoadedModels.get(task.model(), modelHash), task.request());
            nfe = result.nfe();
            for (int i = 0; i < task.n(); i++) {
                Path file = dir.resolve(task.fileName(i));
                if (!Files.exists(file)) {
                    made[i] = Images.png(result.pixels(), i, result.channels(), result.size(), task.parameters(i, modelHash, nfe));
                    Images.writePng(made[i], file);
                }
            }
        }
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < task.n(); i++) {
            Path file = dir.resolve(task.fileName(i));
            boolean generated = made[i] != null;
            byte[] png = generated ? made[i] : Files.readAllBytes(file);
            int imageNfe = generated ? nfe : existing(file, png, task, i).nfe();
            entries.add(new ManifestEntry(task.index(), task.prompt(), task.negative(), task.seed() + i, task.model(), modelHash,
                    task.sampler(), task.steps(), task.cfg(), imageNfe, task.fileName(i), sha256(png), generated));
        }
        return entries;
    }

    /** The parameters of a file an earlier run wrote; refuses one that another prompt, seed or model made. */
    private ImageParameters existing(Path file, byte[] png, ImageTask task, int i) {
        ImageParameters found;
        try {
            found = ImageParameters.parse(PngText.read(png, ImageParameters.KEY).orElseThrow(() ->
                    new IllegalArgumentException("it carries no fewstep parameters")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " exists but is not an image of this batch (" + e.getMessage()
                    + "); it was left as it is: remove it or choose another --out");
        }
        ImageParameters expected = task.parameters(i, modelHash, found.nfe());
        if (!found.equals(expected)) {
            throw new IllegalArgumentException(file + " exists but was made with other parameters; it was left as it is:"
                    + " remove it or choose another --out\n  the file: " + found.toText().replace("\n", " | ")
                    + "\n  this batch: " + expected.toText().replace("\n", " | "));
        }
        return found;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
