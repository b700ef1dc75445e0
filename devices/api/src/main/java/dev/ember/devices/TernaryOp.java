package dev.ember.devices;

/**
 * Elementwise ops of three operands. {@link #WHERE}: {@code a ? b : c} with a BOOL;
 * {@link #LERP}: {@code a + c * (b - a)}; {@link #CLAMP}: {@code min(max(a, b), c)}.
 */
public enum TernaryOp { WHERE, LERP, CLAMP }
