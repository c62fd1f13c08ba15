package dev.lowbit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The WordPiece tokenizer over e5-small-v2's vocabulary (ids as in the artifact's tokenizer.json). */
class WordPieceTokenizerTest {
    private static final WordPieceTokenizer TOK = E5Model.get().tokenizer();

    @Test
    void knownIdsFromTheVocabulary() {
        assertEquals(30522, TOK.vocabSize());
        assertEquals(101, TOK.id("[CLS]"));
        assertEquals(102, TOK.id("[SEP]"));
        assertEquals(100, TOK.id("[UNK]"));
        assertEquals(23032, TOK.id("query"));
        assertEquals(7592, TOK.id("hello"));
        assertEquals(2088, TOK.id("world"));
    }

    @Test
    void prefixPunctuationAndCase() {
        // "query: Hello, world!" -> [CLS] query : hello , world ! [SEP]
        assertArrayEquals(new int[] {101, 23032, 1024, 7592, 1010, 2088, 999, 102}, TOK.encode("query: Hello, world!"));
        assertArrayEquals(TOK.encode("query: hello, world!"), TOK.encode("QUERY:   HELLO ,\tWORLD!"));
    }

    @Test
    void subwordsGreedyLongestMatchFirst() {
        assertArrayEquals(new int[] {101, 7861, 8270, 4667, 102}, TOK.encode("embedding")); // em ##bed ##ding
        assertArrayEquals(new int[] {101, 14477, 20961, 3468, 102}, TOK.encode("unaffable")); // una ##ffa ##ble
        assertArrayEquals(new int[] {101, 24110, 3775, 9276, 102}, TOK.encode("quantization")); // quan ##ti ##zation
    }

    @Test
    void accentsAreStrippedWhenLowercasing() {
        assertArrayEquals(new int[] {101, 7668, 102}, TOK.encode("Café"));
        assertArrayEquals(TOK.encode("naive resume"), TOK.encode("naïve résumé"));
        assertEquals(List.of("cafe", ",", "naive", "."), WordPieceTokenizer.basicTokens("Café,\u0000 naïve."));
    }

    @Test
    void unknownWordsAndEmptyText() {
        assertArrayEquals(new int[] {101, 100, 102}, TOK.encode("\u2603")); // a snowman is not in the vocabulary
        assertArrayEquals(new int[] {101, 100, 102}, TOK.encode("a".repeat(101))); // over 100 characters
        assertArrayEquals(new int[] {101, 102}, TOK.encode(""));
    }

    @Test
    void vocabularyJsonIsParsedWithEscapes() {
        WordPieceTokenizer t = WordPieceTokenizer.fromTokenizerJson(
                "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[CLS]\": 0, \"[SEP]\": 1, \"[UNK]\": 2, \"a\\\"b\": 3, \"\\u00e9t\\u00e9\": 4, \"##x\": 5}}}");
        assertEquals(3, t.id("a\"b"));
        assertEquals(4, t.id("été"));
        assertThrows(IllegalArgumentException.class, () -> WordPieceTokenizer.fromTokenizerJson("{\"model\": {}}"));
        assertThrows(IllegalArgumentException.class, () -> new WordPieceTokenizer(Map.of("[CLS]", 0)));
    }
}
