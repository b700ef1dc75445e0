package dev.ember.bench;

import dev.ember.nn.Conv2d;
import dev.ember.nn.Dropout;
import dev.ember.nn.Flatten;
import dev.ember.nn.Linear;
import dev.ember.nn.MaxPool2d;
import dev.ember.nn.Module;
import dev.ember.nn.ReLU;
import dev.ember.nn.Sequential;

/**
 * The two Fashion-MNIST networks the training benchmarks train, each with the framework's
 * default initialisation; {@code bench/pytorch/models.py} defines the same two.
 */
final class Models {
    private Models() {}

    /** 784-256-128-10 with ReLU, on [N, 1, 28, 28] images flattened by the model. */
    static Module mlp() {
        return new Sequential(
                new Flatten(),
                new Linear(784, 256), new ReLU(),
                new Linear(256, 128), new ReLU(),
                new Linear(128, 10));
    }

    /** The CNN of {@code samples/FashionMnistTraining}, layer for layer. */
    static Module cnn() {
        return new Sequential(
                new Conv2d(1, 32, 3), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(64 * 5 * 5, 128), new ReLU(), new Dropout(0.25),
                new Linear(128, 10));
    }
}
