package dev.ember.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scales each group's lr by a factor that moves linearly from {@code startFactor} to
 * {@code endFactor} over {@code totalIters} epochs, then stays: the usual warm-up.
 *
 * <pre>{@code
 * LRScheduler warmup = new LinearLR(opt, 0.1, 1.0, 5);   // 10% of the lr at epoch 0, full at epoch 5
 * }</pre>
 */
public final class LinearLR extends LRScheduler {
    private double startFactor;
    private double endFactor;
    private int totalIters;

    /** PyTorch's defaults: startFactor 1/3, endFactor 1, totalIters 5. */
    public LinearLR(Optimizer optimizer) { this(optimizer, 1.0 / 3, 1.0, 5, -1); }

    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        this(optimizer, startFactor, endFactor, totalIters, -1);
    }

    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (startFactor > 1.0 || startFactor < 0) {
            throw new IllegalArgumentException("Starting multiplicative factor expected to be between 0 and 1.");
        }
        if (endFactor > 1.0 || endFactor < 0) {
            throw new IllegalArgumentException("Ending multiplicative factor expected to be between 0 and 1.");
        }
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        initialStep();
    }

    @Override
    protected List<Double> computeLr() {
        List<Double> lrs = new ArrayList<>();
        if (lastEpoch == 0) {
            for (double lr : currentLrs()) lrs.add(lr * startFactor);
            return lrs;
        }
        if (lastEpoch > totalIters) return currentLrs();
        double factor = 1.0 + (endFactor - startFactor)
                / (totalIters * startFactor + (lastEpoch - 1) * (endFactor - startFactor));
        for (double lr : currentLrs()) lrs.add(lr * factor);
        return lrs;
    }

    @Override
    protected List<Double> closedFormLr() {
        List<Double> lrs = new ArrayList<>();
        for (double base : baseLrs) {
            lrs.add(base * (startFactor + (endFactor - startFactor) * Math.min(totalIters, lastEpoch) / totalIters));
        }
        return lrs;
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = super.stateDict();
        state.put("startFactor", startFactor);
        state.put("endFactor", endFactor);
        state.put("totalIters", totalIters);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, ?> state) {
        super.loadStateDict(state);
        if (state.containsKey("startFactor")) startFactor = ((Number) state.get("startFactor")).doubleValue();
        if (state.containsKey("endFactor")) endFactor = ((Number) state.get("endFactor")).doubleValue();
        if (state.containsKey("totalIters")) totalIters = ((Number) state.get("totalIters")).intValue();
    }
}
