package dev.ember.optim.custom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ember.optim.Optimizer;
import dev.ember.optim.ParamGroup;
import dev.ember.optim.SGD;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An optimizer written outside Ember's package may keep the gradient it is given (here, to
 * compare with the next one), so zeroGrad must not free it under the optimizer.
 */
class UserOptimizerTest {

    /** Steps by the difference of this gradient and the previous one it kept in its state. */
    static final class GradientDifference extends Optimizer {
        Tensor lastKept;

        GradientDifference(List<Tensor> params) { super("GradientDifference", params, SGD.options().lr(1.0)); }

        @Override protected void validate(ParamGroup group) {}

        @Override protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Object> state) {
            Tensor previous = (Tensor) state.put("previous", grad);
            lastKept = grad;
            param.sub_((previous == null ? grad : grad.sub(previous)).mul(group.getDouble("lr")));
        }
    }

    @Test
    void aGradientKeptInAUserOptimizersStateSurvivesZeroGrad() {
        Tensor w = Tensor.zeros(3).requiresGrad_(true);
        GradientDifference optimizer = new GradientDifference(List.of(w));
        w.mul(Tensor.of(new float[] {1, 2, 3})).sum().backward();
        optimizer.step();
        Tensor kept = optimizer.lastKept;
        optimizer.zeroGrad();
        w.mul(Tensor.of(new float[] {4, 6, 8})).sum().backward();
        optimizer.step();
        assertFalse(kept.isClosed());
        // -[1, 2, 3] then -([4, 6, 8] - [1, 2, 3])
        assertArrayEquals(new float[] {-4, -6, -8}, w.toFloatArray(), 0f);
    }
}
