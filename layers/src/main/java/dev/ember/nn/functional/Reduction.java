package dev.ember.nn.functional;

import dev.ember.tensor.Tensor;

/** The {@code reduction} argument of the losses: {@code "mean"}, {@code "sum"} or {@code "none"}. */
final class Reduction {
    private Reduction() {}

    static void check(String reduction) {
        if (!"mean".equals(reduction) && !"sum".equals(reduction) && !"none".equals(reduction)) {
            throw new IllegalArgumentException("'" + reduction + "' is not a valid value for reduction "
                    + "(expected 'mean', 'sum' or 'none')");
        }
    }

    /** Reduces elementwise losses: their mean, their sum, or the losses themselves. */
    static Tensor apply(Tensor loss, String reduction) {
        return switch (reduction) {
            case "mean" -> loss.mean();
            case "sum" -> loss.sum();
            case "none" -> loss;
            default -> {
                check(reduction);
                yield loss;
            }
        };
    }
}
