package dev.fewstep.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.NativeMemory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1) over the parameters of one block. Its moments are plain tensors, so
 * they go into the training checkpoint and a resumed run continues exactly where it stopped.
 */
public final class Adam {
    private final List<Pair<String, Parameter>> parameters = new ArrayList<>();
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private long updates;

    public Adam(Block block, NDManager manager, double beta1, double beta2, double epsilon) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        for (Pair<String, Parameter> p : block.getParameters()) {
            parameters.add(p);
            firstMoments.add(manager.zeros(p.getValue().getArray().getShape()));
            secondMoments.add(manager.zeros(p.getValue().getArray().getShape()));
        }
    }

    /**
     * Applies one update from the gradients that backward left on the parameters, then zeroes them. A non-finite
     * gradient skips the update (the gradients are zeroed, nothing else changes).
     *
     * @return the gradient's global L2 norm; not finite when the update was skipped
     */
    public double step(double learningRate) {
        return step(learningRate, Double.POSITIVE_INFINITY);
    }

    /**
     * As {@link #step(double)}, first scaling the gradients down so their global L2 norm is at most
     * {@code maxGradientNorm}: one bad batch then cannot throw the weights far (attention logits overflow).
     *
     * @return the gradient norm before clipping
     */
    public double step(double learningRate, double maxGradientNorm) {
        double squared = 0;
        for (Pair<String, Parameter> p : parameters) {
            NDArray weight = p.getValue().getArray();
            try (NDManager scratch = weight.getManager().newSubManager()) {
                NDArray gradient = weight.getGradient();
                gradient.attach(scratch);
                squared += gradient.square().sum().getFloat();
            }
        }
        double norm = Math.sqrt(squared);
        if (!Double.isFinite(norm)) {
            // One overflowing batch must not poison the weights (NaN * 0 is NaN, so clipping cannot save it):
            // drop its gradients and skip the update, as loss-scaling optimisers do.
            zeroGradients();
            return norm;
        }
        double scale = norm > maxGradientNorm ? maxGradientNorm / norm : 1.0;
        update(learningRate, scale);
        return norm;
    }

    /** Clears the gradients without updating (they may hold NaN, which subtraction would keep). */
    public void zeroGradients() {
        for (Pair<String, Parameter> p : parameters) {
            NDArray weight = p.getValue().getArray();
            try (NDManager scratch = weight.getManager().newSubManager()) {
                NDArray gradient = weight.getGradient();
                gradient.attach(scratch);
                NativeMemory.zero(gradient);
            }
        }
    }

    private void update(double learningRate, double gradientScale) {
        updates++;
        double correction1 = 1 - Math.pow(beta1, updates);
        double correction2 = 1 - Math.pow(beta2, updates);
        for (int i = 0; i < parameters.size(); i++) {
            NDArray weight = parameters.get(i).getValue().getArray();
            try (NDManager scratch = weight.getManager().newSubManager()) {
                NDArray gradient = weight.getGradient();
                gradient.attach(scratch);
                if (gradientScale != 1.0) {
                    gradient.muli(gradientScale);
                }
                NDArray m = firstMoments.get(i);
                NDArray v = secondMoments.get(i);
                m.muli(beta1).addi(gradient.mul(1 - beta1));
                v.muli(beta2).addi(gradient.square().muli(1 - beta2));
                // Ops put results in their first operand's manager: move each temporary into this scope at once.
                NDArray denominator = scoped(v.div(correction2), scratch).sqrt().addi(epsilon);
                weight.subi(scoped(m.mul(learningRate / correction1), scratch).divi(denominator));
                gradient.subi(gradient);
            }
        }
    }

    private static NDArray scoped(NDArray temporary, NDManager scope) {
        temporary.attach(scope);
        return temporary;
    }

    public long updates() {
        return updates;
    }

    /** The moments by parameter name, "m.NAME" and "v.NAME". */
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            state.put("m." + parameters.get(i).getKey(), Weights.tensor(firstMoments.get(i)));
            state.put("v." + parameters.get(i).getKey(), Weights.tensor(secondMoments.get(i)));
        }
        return state;
    }

    public void restore(Map<String, Tensor> state, long updateCount) {
        for (int i = 0; i < parameters.size(); i++) {
            String key = parameters.get(i).getKey();
            Tensor m = state.get("m." + key);
            Tensor v = state.get("v." + key);
            if (m == null || v == null) {
                throw new dev.fewstep.io.CheckpointException("training state lacks the Adam moments of '" + key + "'");
            }
            NativeMemory.assign(firstMoments.get(i), m.data());
            NativeMemory.assign(secondMoments.get(i), v.data());
        }
        updates = updateCount;
    }
}
