package dev.ember.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Multiplies each group's lr by {@code gamma} every {@code stepSize} epochs.
 *
 * <pre>{@code
 * LRScheduler scheduler = new StepLR(opt, 30, 0.1);   // lr 0.05 for epochs 0-29, 0.005 for 30-59, ...
 * }</pre>
 */
public final class StepLR extends LRScheduler {
    private int stepSize;
    private double gamma;

    public StepLR(Optimizer optimizer, int stepSize) { this(optimizer, stepSize, 0.1, -1); }

    public StepLR(Optimizer optimizer, int stepSize, double gamma) { this(optimizer, stepSize, gamma, -1); }

    public StepLR(Optimizer optimizer, int stepSize, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (stepSize <= 0) throw new IllegalArgumentException("StepLR: stepSize should be positive, got " + stepSize);
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected List<Double> computeLr() {
        if (lastEpoch == 0 || lastEpoch % stepSize != 0) return currentLrs();
        List<Double> lrs = new ArrayList<>();
        for (double lr : currentLrs()) lrs.add(lr * gamma);
        return lrs;
    }

    @Override
    protected List<Double> closedFormLr() {
        List<Double> lrs = new ArrayList<>();
        for (double base : baseLrs) lrs.add(base * Math.pow(gamma, Math.floorDiv(lastEpoch, stepSize)));
        return lrs;
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = super.stateDict();
        state.put("stepSize", stepSize);
        state.put("gamma", gamma);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, ?> state) {
        super.loadStateDict(state);
        if (state.containsKey("stepSize")) stepSize = ((Number) state.get("stepSize")).intValue();
        if (state.containsKey("gamma")) gamma = ((Number) state.get("gamma")).doubleValue();
    }
}
