package dev.ember.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Multiplies each group's lr by {@code gamma} at each milestone epoch (by {@code gamma^k} when
 * a milestone is listed k times).
 *
 * <pre>{@code
 * LRScheduler scheduler = new MultiStepLR(opt, new int[] {30, 80}, 0.1);
 * }</pre>
 */
public final class MultiStepLR extends LRScheduler {
    private int[] milestones;
    private double gamma;

    public MultiStepLR(Optimizer optimizer, int[] milestones) { this(optimizer, milestones, 0.1, -1); }

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) { this(optimizer, milestones, gamma, -1); }

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected List<Double> computeLr() {
        int count = 0;
        for (int milestone : milestones) if (milestone == lastEpoch) count++;
        if (count == 0) return currentLrs();
        List<Double> lrs = new ArrayList<>();
        for (double lr : currentLrs()) lrs.add(lr * Math.pow(gamma, count));
        return lrs;
    }

    @Override
    protected List<Double> closedFormLr() {
        int passed = 0;
        for (int milestone : milestones) if (milestone <= lastEpoch) passed++;
        List<Double> lrs = new ArrayList<>();
        for (double base : baseLrs) lrs.add(base * Math.pow(gamma, passed));
        return lrs;
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = super.stateDict();
        List<Integer> list = new ArrayList<>();
        for (int milestone : milestones) list.add(milestone);
        state.put("milestones", List.copyOf(list));
        state.put("gamma", gamma);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, ?> state) {
        super.loadStateDict(state);
        if (state.get("milestones") instanceof List<?> list) {
            milestones = list.stream().mapToInt(m -> ((Number) m).intValue()).sorted().toArray();
        }
        if (state.containsKey("gamma")) gamma = ((Number) state.get("gamma")).doubleValue();
    }
}
