package dev.ember.nn;

import static dev.ember.nn.GoldenCases.check;

import dev.ember.nn.functional.F;
import org.junit.jupiter.api.Test;

/** Every loss, functional and module form, against PyTorch 1.13's values and gradients. */
class LossesTest {

    @Test
    void crossEntropyWithClassIndicesMatchesPyTorch() {
        check("cross_entropy", in -> F.crossEntropy(in.get("input"), in.get("target")));
        check("cross_entropy sum", in -> F.crossEntropy(in.get("input"), in.get("target"), null, -100, "sum", 0));
        check("cross_entropy none", in -> F.crossEntropy(in.get("input"), in.get("target"), null, -100, "none", 0));
        check("cross_entropy weight", in -> F.crossEntropy(in.get("input"), in.get("target"), in.get("weight"), -100, "mean", 0));
        check("cross_entropy default ignore_index", in -> F.crossEntropy(in.get("input"), in.get("target")));
        check("cross_entropy weight ignore_index 2",
                in -> F.crossEntropy(in.get("input"), in.get("target"), in.get("weight"), 2, "mean", 0));
        check("cross_entropy weight ignore_index 2 none",
                in -> F.crossEntropy(in.get("input"), in.get("target"), in.get("weight"), 2, "none", 0));
        check("cross_entropy float64", in -> F.crossEntropy(in.get("input"), in.get("target")));
        check("cross_entropy large logits", in -> F.crossEntropy(in.get("input"), in.get("target")));
        check("cross_entropy unbatched", in -> F.crossEntropy(in.get("input"), in.get("target")));
    }

    @Test
    void crossEntropyWithLabelSmoothingMatchesPyTorch() {
        check("cross_entropy label_smoothing", in -> F.crossEntropy(in.get("input"), in.get("target"), null, -100, "mean", 0.1));
        check("cross_entropy label_smoothing weight ignore",
                in -> F.crossEntropy(in.get("input"), in.get("target"), in.get("weight"), -100, "mean", 0.2));
        check("cross_entropy label_smoothing ignore",
                in -> F.crossEntropy(in.get("input"), in.get("target"), null, -100, "mean", 0.2));
        check("cross_entropy label_smoothing none ignore",
                in -> F.crossEntropy(in.get("input"), in.get("target"), in.get("weight"), -100, "none", 0.3));
        check("cross_entropy label_smoothing sum", in -> F.crossEntropy(in.get("input"), in.get("target"), null, -100, "sum", 0.3));
    }

    @Test
    void crossEntropyOverSpatialDimsMatchesPyTorch() {
        check("cross_entropy spatial weight ignore",
                in -> F.crossEntropy(in.get("input"), in.get("target"), in.get("weight"), 1, "mean", 0));
        check("cross_entropy spatial none", in -> F.crossEntropy(in.get("input"), in.get("target"), null, -100, "none", 0));
        check("cross_entropy spatial 1d", in -> F.crossEntropy(in.get("input"), in.get("target")));
    }

    @Test
    void crossEntropyWithClassProbabilitiesMatchesPyTorch() {
        check("cross_entropy probabilities", in -> F.crossEntropy(in.get("input"), in.get("target")));
        check("cross_entropy probabilities weight smoothing",
                in -> F.crossEntropy(in.get("input"), in.get("target"), in.get("weight"), -100, "mean", 0.1));
        check("cross_entropy probabilities none", in -> F.crossEntropy(in.get("input"), in.get("target"), null, -100, "none", 0));
        check("cross_entropy probabilities spatial sum",
                in -> F.crossEntropy(in.get("input"), in.get("target"), null, -100, "sum", 0));
    }

    @Test
    void crossEntropyLossModuleMatchesPyTorch() {
        check("cross_entropy", in -> new CrossEntropyLoss().forward(in.get("input"), in.get("target")));
        check("cross_entropy label_smoothing none ignore",
                in -> new CrossEntropyLoss(in.get("weight"), -100, "none", 0.3).call(in.get("input"), in.get("target")));
        check("cross_entropy spatial weight ignore",
                in -> new CrossEntropyLoss(in.get("weight"), 1, "mean", 0).forward(in.get("input"), in.get("target")));
    }

    @Test
    void nllLossMatchesPyTorch() {
        check("nll_loss", in -> F.nllLoss(in.get("input"), in.get("target")));
        check("nll_loss weight ignore", in -> F.nllLoss(in.get("input"), in.get("target"), in.get("weight"), 2, "mean"));
        check("nll_loss sum", in -> new NLLLoss(in.get("weight"), -100, "sum").forward(in.get("input"), in.get("target")));
        check("nll_loss none", in -> F.nllLoss(in.get("input"), in.get("target"), null, -100, "none"));
        check("nll_loss spatial", in -> new NLLLoss().forward(in.get("input"), in.get("target")));
    }

    @Test
    void regressionLossesMatchPyTorch() {
        for (String reduction : new String[] {"mean", "sum", "none"}) {
            check("mse_loss " + reduction, in -> F.mseLoss(in.get("input"), in.get("target"), reduction));
            check("l1_loss " + reduction, in -> new L1Loss(reduction).forward(in.get("input"), in.get("target")));
        }
        check("mse_loss mean", in -> new MSELoss().forward(in.get("input"), in.get("target")));
        check("mse_loss broadcast", in -> F.mseLoss(in.get("input"), in.get("target")));
        check("smooth_l1_loss", in -> new SmoothL1Loss().forward(in.get("input"), in.get("target")));
        check("smooth_l1_loss beta 0.5 sum", in -> F.smoothL1Loss(in.get("input"), in.get("target"), "sum", 0.5));
        check("smooth_l1_loss beta 0 none", in -> new SmoothL1Loss("none", 0).forward(in.get("input"), in.get("target")));
        check("huber_loss", in -> F.huberLoss(in.get("input"), in.get("target")));
        check("huber_loss delta 2 none", in -> new HuberLoss("none", 2).forward(in.get("input"), in.get("target")));
    }

    @Test
    void binaryCrossEntropyMatchesPyTorch() {
        check("binary_cross_entropy", in -> new BCELoss().forward(in.get("input"), in.get("target")));
        check("binary_cross_entropy weight sum",
                in -> F.binaryCrossEntropy(in.get("input"), in.get("target"), in.get("weight"), "sum"));
        check("binary_cross_entropy clamped log",
                in -> F.binaryCrossEntropy(in.get("input"), in.get("target"), null, "none"));
    }

    @Test
    void binaryCrossEntropyWithLogitsMatchesPyTorch() {
        check("binary_cross_entropy_with_logits", in -> F.binaryCrossEntropyWithLogits(in.get("input"), in.get("target")));
        check("binary_cross_entropy_with_logits pos_weight weight", in -> new BCEWithLogitsLoss(in.get("weight"), "mean",
                in.get("pos_weight")).forward(in.get("input"), in.get("target")));
        check("binary_cross_entropy_with_logits pos_weight none", in -> F.binaryCrossEntropyWithLogits(in.get("input"),
                in.get("target"), null, in.get("pos_weight"), "none"));
        check("binary_cross_entropy_with_logits large logits",
                in -> F.binaryCrossEntropyWithLogits(in.get("input"), in.get("target"), null, null, "none"));
    }

    @Test
    void klDivergenceMatchesPyTorch() {
        for (String reduction : new String[] {"batchmean", "mean", "sum", "none"}) {
            check("kl_div " + reduction, in -> new KLDivLoss(reduction, false).forward(in.get("input"), in.get("target")));
        }
        check("kl_div log_target", in -> F.klDiv(in.get("input"), in.get("target"), "batchmean", true));
        check("kl_div target grad", in -> F.klDiv(in.get("input"), in.get("target"), "sum", false));
    }

    @Test
    void marginLossesMatchPyTorch() {
        check("cosine_embedding_loss", in -> new CosineEmbeddingLoss().forward(in.get("input1"), in.get("input2"), in.get("target")));
        check("cosine_embedding_loss margin 0.2 none",
                in -> F.cosineEmbeddingLoss(in.get("input1"), in.get("input2"), in.get("target"), -0.2, "none"));
        check("margin_ranking_loss", in -> new MarginRankingLoss("mean", 0.1).call(in.get("input1"), in.get("input2"), in.get("target")));
        check("margin_ranking_loss sum",
                in -> F.marginRankingLoss(in.get("input1"), in.get("input2"), in.get("target"), 0.5, "sum"));
    }
}
