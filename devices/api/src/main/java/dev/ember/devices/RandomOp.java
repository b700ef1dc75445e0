package dev.ember.devices;

/**
 * Random fills: UNIFORM in {@code [a, b)}, NORMAL with mean {@code a} and standard
 * deviation {@code b}, BERNOULLI with probability {@code a} (writes 0 or 1).
 */
public enum RandomOp { UNIFORM, NORMAL, BERNOULLI }
