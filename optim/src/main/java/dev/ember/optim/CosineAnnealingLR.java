package dev.ember.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Anneals each group's lr from its initial value to {@code etaMin} along half a cosine over
 * {@code tMax} epochs (and back up over the next {@code tMax}), in PyTorch's recursive form:
 * {@code lr_t = etaMin + (lr_{t-1} - etaMin) * (1 + cos(pi t / tMax)) / (1 + cos(pi (t-1) / tMax))}.
 *
 * <pre>{@code
 * LRScheduler scheduler = new CosineAnnealingLR(opt, 50, 1e-5);
 * }</pre>
 */
public final class CosineAnnealingLR extends LRScheduler {
    private int tMax;
    private double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax) { this(optimizer, tMax, 0, -1); }

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) { this(optimizer, tMax, etaMin, -1); }

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (tMax <= 0) throw new IllegalArgumentException("CosineAnnealingLR: tMax should be positive, got " + tMax);
        this.tMax = tMax;
        this.etaMin = etaMin;
        initialStep();
    }

    @Override
    protected List<Double> computeLr() {
        List<Double> current = currentLrs();
        List<Double> lrs = new ArrayList<>();
        if (lastEpoch == 0) return current;
        if (stepCount == 1 && lastEpoch > 0) {
            for (double base : baseLrs) lrs.add(etaMin + (base - etaMin) * (1 + Math.cos(lastEpoch * Math.PI / tMax)) / 2);
        } else if ((lastEpoch - 1 - tMax) % (2 * tMax) == 0) {
            for (int i = 0; i < current.size(); i++) {
                lrs.add(current.get(i) + (baseLrs.get(i) - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2);
            }
        } else {
            for (double lr : current) {
                lrs.add((1 + Math.cos(Math.PI * lastEpoch / tMax)) / (1 + Math.cos(Math.PI * (lastEpoch - 1) / tMax))
                        * (lr - etaMin) + etaMin);
            }
        }
        return lrs;
    }

    @Override
    protected List<Double> closedFormLr() {
        List<Double> lrs = new ArrayList<>();
        for (double base : baseLrs) lrs.add(etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * lastEpoch / tMax)) / 2);
        return lrs;
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = super.stateDict();
        state.put("tMax", tMax);
        state.put("etaMin", etaMin);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, ?> state) {
        super.loadStateDict(state);
        if (state.containsKey("tMax")) tMax = ((Number) state.get("tMax")).intValue();
        if (state.containsKey("etaMin")) etaMin = ((Number) state.get("etaMin")).doubleValue();
    }
}
