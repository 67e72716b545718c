package dev.fewstep.threed.asd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.text.TextEncoder;
import dev.fewstep.threed.Camera;
import java.util.List;

/** What the view-conditioned teacher is told about a render: the prompt's embedding and the camera it was seen from. */
public final class ViewConditioning {
    private ViewConditioning() {}

    /**
     * @param embeddings (B, 384) prompt embeddings, one camera each
     * @param viewConditioned whether the teacher reads a camera; a text-only teacher is told the prompt alone
     */
    public static Conditioning of(NDArray embeddings, List<Camera> cameras, boolean viewConditioned) {
        Conditioning prompts = Conditioning.of(embeddings);
        return viewConditioned ? prompts.withCamera(cameras(embeddings.getManager(), cameras)) : prompts;
    }

    /** The cameras as (B, 4) rows of {@link Camera#embedding()}. */
    public static NDArray cameras(NDManager manager, List<Camera> cameras) {
        float[] rows = new float[4 * cameras.size()];
        for (int i = 0; i < cameras.size(); i++) {
            System.arraycopy(cameras.get(i).embedding(), 0, rows, 4 * i, 4);
        }
        return manager.create(rows, new Shape(cameras.size(), 4));
    }

    /** Prompt embeddings (B, 384) of rows of a prompt table. */
    public static NDArray rows(NDManager manager, float[] table, int[] rows) {
        float[] out = new float[rows.length * TextEncoder.DIM];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(table, rows[i] * TextEncoder.DIM, out, i * TextEncoder.DIM, TextEncoder.DIM);
        }
        return manager.create(out, new Shape(rows.length, TextEncoder.DIM));
    }
}
