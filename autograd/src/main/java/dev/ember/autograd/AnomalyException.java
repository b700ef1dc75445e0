package dev.ember.autograd;

/**
 * Thrown in anomaly mode when a backward function produced NaN or infinity. The cause is the
 * stack trace of the forward call that created the function.
 */
public final class AnomalyException extends RuntimeException {
    public AnomalyException(String message, Throwable forwardTrace) {
        super(message, forwardTrace);
    }
}
