package dev.lowbit.model;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's tokenizer, uncased: the {@code BertNormalizer} + {@code BertPreTokenizer} + WordPiece
 * pipeline of the model's {@code tokenizer.json}, then {@code [CLS] … [SEP]}.
 * <ol>
 *   <li>clean: drop NUL, U+FFFD and control characters, turn every whitespace into a space;</li>
 *   <li>put spaces around CJK ideographs (each becomes a word);</li>
 *   <li>lowercase, then strip accents (NFD, drop combining marks), as HF does when lowercasing;</li>
 *   <li>split on whitespace, and split every punctuation character off as its own word;</li>
 *   <li>WordPiece each word: greedy longest match from the left, continuations prefixed
 *       {@code ##}; a word with no full match, or longer than 100 characters, is {@code [UNK]}.</li>
 * </ol>
 * Why hand-written and not a library: the only maintained Java option on Maven Central (DJL's
 * HuggingFace tokenizers) loads a native library that it downloads at run time, which this
 * project may not do; WordPiece over the artifact's vocabulary is the hundred lines below.
 */
public final class WordPieceTokenizer {
    private static final int MAX_WORD_CHARS = 100;

    private final Map<String, Integer> vocab;
    private final int cls;
    private final int sep;
    private final int unk;

    public WordPieceTokenizer(Map<String, Integer> vocab) {
        this.vocab = Map.copyOf(vocab);
        this.cls = id("[CLS]");
        this.sep = id("[SEP]");
        this.unk = id("[UNK]");
    }

    /** A tokenizer over the {@code model.vocab} of a HuggingFace {@code tokenizer.json}. */
    public static WordPieceTokenizer fromTokenizerJson(String json) {
        return new WordPieceTokenizer(VocabJson.parse(json));
    }

    /** The id of a vocabulary entry. */
    public int id(String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("token '" + token + "' is not in the vocabulary");
        }
        return id;
    }

    public int vocabSize() {
        return vocab.size();
    }

    /** Token ids of {@code text}: [CLS], its word pieces, [SEP]. */
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        ids.add(cls);
        for (String word : basicTokens(text)) {
            wordPieces(word, ids);
        }
        ids.add(sep);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The normalized, whitespace- and punctuation-split words of {@code text} (steps 1–4). */
    static List<String> basicTokens(String text) {
        StringBuilder clean = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                return;
            }
            if (isWhitespace(cp)) {
                clean.append(' ');
            } else if (isCjk(cp)) {
                clean.append(' ').appendCodePoint(cp).append(' ');
            } else {
                clean.appendCodePoint(cp);
            }
        });
        String lower = Normalizer.normalize(clean.toString().toLowerCase(java.util.Locale.ROOT), Normalizer.Form.NFD);
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        lower.codePoints().forEach(cp -> {
            if (Character.getType(cp) == Character.NON_SPACING_MARK) {
                return; // accent stripped
            }
            if (cp == ' ') {
                flush(cur, words);
            } else if (isPunctuation(cp)) {
                flush(cur, words);
                words.add(new String(Character.toChars(cp)));
            } else {
                cur.appendCodePoint(cp);
            }
        });
        flush(cur, words);
        return words;
    }

    private static void flush(StringBuilder cur, List<String> words) {
        if (!cur.isEmpty()) {
            words.add(cur.toString());
            cur.setLength(0);
        }
    }

    private void wordPieces(String word, List<Integer> out) {
        if (word.codePointCount(0, word.length()) > MAX_WORD_CHARS) {
            out.add(unk);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (start < end) {
                String piece = (start > 0 ? "##" : "") + word.substring(start, end);
                found = vocab.get(piece);
                if (found != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                out.subList(mark, out.size()).clear();
                out.add(unk);
                return;
            }
            out.add(found);
            start = end;
        }
    }

    private static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT;
    }

    /** ASCII symbols count as punctuation too (BERT's rule), plus every Unicode P* category. */
    private static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK Unified Ideograph blocks BERT splits into single characters. */
    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** Reads the {@code "vocab": {"token": id, ...}} object of {@code tokenizer.json}. */
    static final class VocabJson {
        private final String s;
        private int pos;

        private VocabJson(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        static Map<String, Integer> parse(String json) {
            int model = json.indexOf("\"model\"");
            int key = model < 0 ? -1 : json.indexOf("\"vocab\"", model);
            if (key < 0) {
                throw new IllegalArgumentException("tokenizer.json has no \"model\": {\"vocab\": {...}} object");
            }
            VocabJson p = new VocabJson(json, key + "\"vocab\"".length());
            p.expect(':');
            p.expect('{');
            Map<String, Integer> vocab = new HashMap<>();
            p.ws();
            if (p.peek() == '}') {
                throw new IllegalArgumentException("tokenizer.json: empty vocabulary");
            }
            while (true) {
                p.ws();
                String token = p.string();
                p.expect(':');
                p.ws();
                int start = p.pos;
                while (p.pos < json.length() && Character.isDigit(json.charAt(p.pos))) {
                    p.pos++;
                }
                if (start == p.pos) {
                    throw new IllegalArgumentException("tokenizer.json: vocabulary entry '" + token + "' has no integer id at char " + start);
                }
                vocab.put(token, Integer.parseInt(json.substring(start, p.pos)));
                p.ws();
                char c = p.next();
                if (c == '}') {
                    return vocab;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("tokenizer.json: expected ',' or '}' in the vocabulary at char " + (p.pos - 1));
                }
            }
        }

        private void ws() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw new IllegalArgumentException("tokenizer.json: truncated");
            }
            return s.charAt(pos);
        }

        private char next() {
            char c = peek();
            pos++;
            return c;
        }

        private void expect(char c) {
            ws();
            if (next() != c) {
                throw new IllegalArgumentException("tokenizer.json: expected '" + c + "' at char " + (pos - 1));
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> b.append(e); // \" \\ \/
                }
            }
        }
    }
}
