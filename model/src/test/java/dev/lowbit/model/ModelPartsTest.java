package dev.lowbit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The small pieces: erf, AUC, the corpus format, the ONNX reader on malformed input. */
class ModelPartsTest {

    @Test
    void erfMatchesTabulatedValues() {
        double[][] table = {{0, 0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
            {2, 0.9953222650189527}, {2.5, 0.9995930479825550}, {3, 0.9999779095030014}, {-1.5, -0.9661051464753108},
            {5, 0.9999999999984626}, {7, 1}};
        for (double[] r : table) {
            assertEquals(r[1], BertEncoder.erf(r[0]), 1e-13, "erf(" + r[0] + ")");
        }
    }

    @Test
    void aucCountsOrderedPairsAndTies() {
        assertEquals(1.0, Metrics.auc(new double[] {0.9, 0.8}, new double[] {0.1, 0.2}));
        assertEquals(0.0, Metrics.auc(new double[] {0.1}, new double[] {0.2, 0.3}));
        assertEquals(0.75, Metrics.auc(new double[] {0.5, 0.9}, new double[] {0.5}));
        assertTrue(Double.isNaN(Metrics.auc(new double[0], new double[] {1})));
        assertEquals(1.0, Metrics.cosine(new float[] {1, 2}, new float[] {2, 4}), 1e-12);
    }

    @Test
    void corpusPairsAndUnrelatedPairs() {
        EvalCorpus c = EvalCorpus.parse(List.of("# comment", "a one\ta two", "", "lone sentence", "b one\tb two", "c one\tc two", "d one\td two"), "test");
        assertEquals(9, c.sentences().size());
        assertEquals(4, c.paraphrasePairs().size());
        assertEquals(4, c.unrelatedPairs().size());
        // unrelated pair 0: first of pair 0 with second of pair 2
        assertEquals("a one", c.sentences().get(c.unrelatedPairs().get(0)[0]));
        assertEquals("c two", c.sentences().get(c.unrelatedPairs().get(0)[1]));
        EvalCorpus builtIn = EvalCorpus.builtIn();
        assertTrue(builtIn.sentences().size() >= 64);
        assertEquals(32, builtIn.paraphrasePairs().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvalCorpus.parse(List.of("  ", "# x"), "f.txt"));
        assertTrue(e.getMessage().contains("no sentences"), e.getMessage());
    }

    @Test
    void onnxReaderRefusesMalformedInput() {
        assertThrows(IllegalArgumentException.class, () -> OnnxWeights.read(new byte[] {0x08, 0x06})); // ir_version only: no graph
        assertThrows(IllegalArgumentException.class, () -> OnnxWeights.read(new byte[] {0x3a, 0x7f, 0x00})); // graph overruns
        assertThrows(IllegalArgumentException.class, () -> OnnxWeights.read(new byte[] {(byte) 0x80})); // truncated varint
    }

    @Test
    void onnxReaderFindsTheE5Weights() {
        BertConfig c = E5Model.get().weights().config();
        assertEquals(new BertConfig(30522, 384, 12, 12, 1536, 512, 2, 1e-12f), c);
        BertWeights.Dense q = E5Model.get().weights().layers()[0].query();
        assertEquals(384, q.out());
        assertEquals(384, q.in());
    }
}
