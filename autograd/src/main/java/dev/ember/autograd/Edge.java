package dev.ember.autograd;

/**
 * A connection from a consumer in the backward graph to the node that produced one of its
 * inputs: gradients flowing along it arrive at output {@code outputIndex} of {@code node}.
 */
public record Edge<V>(Node<V> node, int outputIndex) {}
