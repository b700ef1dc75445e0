package dev.ember.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The recurrent layers reject bad shapes and options with messages that name them. */
class RecurrentErrorsTest {

    private static void assertMessage(String expected, Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void lstmRejectsWrongInputFeatureSize() {
        LSTM lstm = new LSTM(64, 256);
        assertMessage("LSTM: input.size(-1) must be equal to input_size. Expected 64, got 32 (input of size [5, 3, 32])",
                () -> lstm.call(Tensor.randn(5, 3, 32)));
    }

    @Test
    void lstmRejectsInputOfWrongRank() {
        LSTM lstm = new LSTM(4, 3);
        assertMessage("LSTM: Expected input to be 2-D or 3-D but received 4-D tensor of size [5, 3, 2, 4]",
                () -> lstm.call(Tensor.randn(5, 3, 2, 4)));
        assertMessage("LSTM: Expected input to be 2-D or 3-D but received 1-D tensor of size [4]", () -> lstm.call(Tensor.randn(4)));
    }

    @Test
    void lstmRejectsStatesOfWrongShape() {
        LSTM lstm = new LSTM(4, 3, 2);
        Tensor x = Tensor.randn(5, 6, 4);
        assertMessage("LSTM: Expected h0 of size [2, 6, 3] (num_layers * num_directions, batch, hidden_size), got [1, 6, 3]",
                () -> lstm.forward(x, Tensor.zeros(1, 6, 3), null));
        assertMessage("LSTM: Expected c0 of size [2, 6, 3] (num_layers * num_directions, batch, hidden_size), got [2, 5, 3]",
                () -> lstm.forward(x, null, Tensor.zeros(2, 5, 3)));
        assertMessage("LSTM: For batched 3-D input, h0 should also be 3-D but got 2-D tensor of size [2, 3]",
                () -> lstm.forward(x, Tensor.zeros(2, 3), null));
        assertMessage("LSTM: For unbatched 2-D input, c0 should also be 2-D but got 3-D tensor of size [2, 1, 3]",
                () -> lstm.forward(Tensor.randn(5, 4), Tensor.zeros(2, 3), Tensor.zeros(2, 1, 3)));
    }

    @Test
    void batchFirstStatesStayLayerMajor() {
        LSTM lstm = new LSTM(4, 3, 1, true, true, 0, true);
        assertMessage("LSTM: Expected h0 of size [2, 7, 3] (num_layers * num_directions, batch, hidden_size), got [7, 2, 3]",
                () -> lstm.forward(Tensor.randn(7, 5, 4), Tensor.zeros(7, 2, 3), null));
    }

    @Test
    void lstmRejectsBadOptions() {
        assertMessage("LSTM: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got 1.5",
                () -> new LSTM(4, 3, 2, true, false, 1.5, false));
        assertMessage("LSTM: hidden_size must be greater than zero, got 0", () -> new LSTM(4, 0));
        assertMessage("LSTM: num_layers must be greater than zero, got 0", () -> new LSTM(4, 3, 0));
    }

    @Test
    void lstmForwardTakesAtMostThreeInputs() {
        LSTM lstm = new LSTM(4, 3);
        Tensor x = Tensor.randn(2, 1, 4);
        assertMessage("LSTM.forward() takes 1 to 3 inputs (input, h0, c0) but 4 were given", () -> lstm.call(x, x, x, x));
    }

    @Test
    void gruAndRnnRejectWrongShapesNamingThemselves() {
        GRU gru = new GRU(4, 3, 1, true, false, 0, true);
        assertMessage("GRU: input.size(-1) must be equal to input_size. Expected 4, got 5 (input of size [2, 3, 5])",
                () -> gru.call(Tensor.randn(2, 3, 5)));
        assertMessage("GRU: Expected hx of size [2, 3, 3] (num_layers * num_directions, batch, hidden_size), got [1, 3, 3]",
                () -> gru.forward(Tensor.randn(2, 3, 4), Tensor.zeros(1, 3, 3)));
        RNN rnn = new RNN(4, 3);
        assertMessage("RNN: For unbatched 2-D input, hx should also be 2-D but got 3-D tensor of size [1, 1, 3]",
                () -> rnn.forward(Tensor.randn(2, 4), Tensor.zeros(1, 1, 3)));
        assertMessage("RNN: Expected input to be 2-D or 3-D but received 0-D tensor of size []", () -> rnn.call(Tensor.scalar(1f)));
    }

    @Test
    void rnnRejectsUnknownNonlinearity() {
        assertMessage("Unknown nonlinearity 'sigmoid'", () -> new RNN(4, 3, 1, "sigmoid"));
        assertMessage("Unknown nonlinearity 'gelu'", () -> new RNNCell(4, 3, true, "gelu"));
    }

    @Test
    void cellsRejectWrongShapes() {
        LSTMCell cell = new LSTMCell(3, 4);
        assertMessage("LSTMCell: Expected input to be 1-D or 2-D but received 3-D tensor of size [2, 2, 3]",
                () -> cell.call(Tensor.randn(2, 2, 3)));
        assertMessage("LSTMCell: input has inconsistent input_size: got 5 expected 3", () -> cell.call(Tensor.randn(2, 5)));
        assertMessage("LSTMCell: Expected cx of size [2, 4] (batch, hidden_size), got [3, 4]",
                () -> cell.forward(Tensor.randn(2, 3), Tensor.zeros(2, 4), Tensor.zeros(3, 4)));
        GRUCell gru = new GRUCell(3, 4);
        assertMessage("GRUCell: Expected hx of size [4] (hidden_size) for unbatched input, got [1, 4]",
                () -> gru.call(Tensor.randn(3), Tensor.zeros(1, 4)));
        assertMessage("RNNCell.forward() takes 1 or 2 inputs (input, hx) but 3 were given",
                () -> new RNNCell(3, 4).call(Tensor.randn(3), Tensor.randn(4), Tensor.randn(4)));
        assertMessage("LSTMCell.forward() takes 1 to 3 inputs (input, hx, cx) but 4 were given",
                () -> cell.call(Tensor.randn(3), Tensor.randn(4), Tensor.randn(4), Tensor.randn(4)));
    }

    @Test
    void emptySequencesAreRejectedButEmptyBatchesRun() {
        LSTM lstm = new LSTM(3, 4, 1, true, true, 0, false);
        assertMessage("LSTM: Expected sequence length to be larger than 0, got input of size [2, 0, 3]",
                () -> lstm.call(Tensor.randn(2, 0, 3)));
        LSTM.Result r = lstm.forward(Tensor.randn(0, 5, 3), null, null);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {0, 5, 4}, r.output().shape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {1, 0, 4}, r.hidden().shape());
    }
}
