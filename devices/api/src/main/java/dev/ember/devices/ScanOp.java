package dev.ember.devices;

/** Inclusive prefix scans along one dim. */
public enum ScanOp { CUMSUM, CUMPROD }
