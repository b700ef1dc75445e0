package dev.ember.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Multiplies each group's lr by {@code gamma} every epoch.
 *
 * <pre>{@code
 * LRScheduler scheduler = new ExponentialLR(opt, 0.95);
 * }</pre>
 */
public final class ExponentialLR extends LRScheduler {
    private double gamma;

    public ExponentialLR(Optimizer optimizer, double gamma) { this(optimizer, gamma, -1); }

    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected List<Double> computeLr() {
        if (lastEpoch == 0) return currentLrs();
        List<Double> lrs = new ArrayList<>();
        for (double lr : currentLrs()) lrs.add(lr * gamma);
        return lrs;
    }

    @Override
    protected List<Double> closedFormLr() {
        List<Double> lrs = new ArrayList<>();
        for (double base : baseLrs) lrs.add(base * Math.pow(gamma, lastEpoch));
        return lrs;
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = super.stateDict();
        state.put("gamma", gamma);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, ?> state) {
        super.loadStateDict(state);
        if (state.containsKey("gamma")) gamma = ((Number) state.get("gamma")).doubleValue();
    }
}
