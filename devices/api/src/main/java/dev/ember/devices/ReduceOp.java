package dev.ember.devices;

/**
 * Reductions over a set of dims. SUM, PROD, MAX and MIN keep the dtype; ARGMAX and ARGMIN
 * write INT64 indices (the first one on ties, as PyTorch does); MAX and MIN propagate NaN.
 */
public enum ReduceOp { SUM, PROD, MAX, MIN, ARGMAX, ARGMIN }
