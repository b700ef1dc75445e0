package dev.ember.bench;

import dev.ember.nn.LSTM;
import dev.ember.nn.TransformerEncoderLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequence layers, forward alone ({@code _fwd}) and forward plus backward of the output's sum
 * ({@code _fwdbwd}), on standard-normal inputs:
 * <ul>
 * <li>{@code LSTM(64, 256)}, one layer, sequence-first input [50, 32, 64] (seq 50, batch 32), zero
 *     initial state; backward computes every weight's gradient, not the input's (a first layer);</li>
 * <li>{@code TransformerEncoderLayer(256, 4 heads, feed-forward 1024, dropout 0.1, ReLU,
 *     post-norm)}, batch-first input [16, 128, 256] (batch 16, seq 128), training mode (dropout
 *     active); backward computes every weight's gradient and the input's.</li>
 * </ul>
 * Gradients are reset to null after each call, like {@code zero_grad()}.
 */
final class SequenceBenchmarks {
    private SequenceBenchmarks() {}

    static final String GROUP = "sequence";

    static List<Workload> workloads() {
        List<Workload> list = new ArrayList<>();
        LayerWorkloads.add(list, GROUP, "lstm_in64_h256_seq50_b32", () -> new LSTM(64, 256), new long[] {50, 32, 64}, false);
        LayerWorkloads.add(list, GROUP, "transformer_encoder_d256_h4_ff1024_seq128_b16",
                () -> new TransformerEncoderLayer(256, 4, 1024, 0.1, "relu", 1e-5, true, false),
                new long[] {16, 128, 256}, true);
        return list;
    }
}
