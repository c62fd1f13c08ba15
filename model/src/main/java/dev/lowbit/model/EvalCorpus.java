package dev.lowbit.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sentences to embed, with paraphrase pairs (same meaning, different words) and unrelated pairs
 * (different topics): what the paraphrase AUC separates.
 *
 * <p>Text format ({@code --text FILE}, UTF-8): one item per non-blank line; {@code #} starts a
 * comment line; a line {@code sentence A<TAB>sentence B} is a paraphrase pair, any other line a
 * single sentence. With P ≥ 2 pairs, pair i's first sentence and pair (i + P/2) mod P's second
 * sentence form unrelated pair i (so the built-in set, whose pairs are on 32 different topics,
 * has 32 paraphrase and 32 unrelated pairs).
 */
public record EvalCorpus(List<String> sentences, List<int[]> paraphrasePairs, List<int[]> unrelatedPairs) {

    /** The built-in set: 32 paraphrase pairs on 32 topics (64 sentences), written for this evaluation. */
    public static EvalCorpus builtIn() {
        List<String> lines = new ArrayList<>();
        for (String[] p : PAIRS) {
            lines.add(p[0] + "\t" + p[1]);
        }
        return parse(lines, "built-in sentences");
    }

    /** Reads the text format from {@code file}. */
    public static EvalCorpus read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--text " + file + ": no such file");
        }
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), "--text " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("--text " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    static EvalCorpus parse(List<String> lines, String what) {
        List<String> sentences = new ArrayList<>();
        List<int[]> pairs = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = raw.split("\t", -1);
            if (parts.length == 2 && !parts[0].isBlank() && !parts[1].isBlank()) {
                pairs.add(new int[] {sentences.size(), sentences.size() + 1});
                sentences.add(parts[0].strip());
                sentences.add(parts[1].strip());
            } else {
                sentences.add(line);
            }
        }
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException(what + ": no sentences (empty or only comments)");
        }
        List<int[]> unrelated = new ArrayList<>();
        int p = pairs.size();
        if (p >= 2) {
            for (int i = 0; i < p; i++) {
                unrelated.add(new int[] {pairs.get(i)[0], pairs.get((i + p / 2) % p)[1]});
            }
        }
        return new EvalCorpus(List.copyOf(sentences), List.copyOf(pairs), List.copyOf(unrelated));
    }

    private static final String[][] PAIRS = {
        {"The train to Berlin leaves at nine in the morning.", "At 9 a.m. the Berlin train departs."},
        {"She forgot her umbrella and got soaked in the rain.", "Having left her umbrella at home, she was drenched by the downpour."},
        {"How do I reset my email password?", "What are the steps to change a forgotten mail account password?"},
        {"The restaurant closes early on Sundays.", "On Sunday the restaurant shuts its doors ahead of the usual time."},
        {"Regular exercise lowers the risk of heart disease.", "Working out often reduces your chances of cardiovascular illness."},
        {"The museum added three paintings by Monet to its collection.", "Three Monet works were acquired by the museum."},
        {"Our flight was delayed by two hours because of fog.", "Fog pushed back our plane's departure by a couple of hours."},
        {"He fixed the leaking kitchen faucet himself.", "Without calling a plumber, he repaired the dripping tap in the kitchen."},
        {"The company reported record profits this quarter.", "This quarter the firm posted its highest earnings ever."},
        {"Children should drink water instead of soda.", "Kids are better off having water rather than sugary soft drinks."},
        {"The library will be closed for renovations until March.", "Renovation work keeps the library shut until March."},
        {"Photosynthesis turns sunlight into chemical energy in plants.", "Plants convert light from the sun into stored chemical energy."},
        {"I can't find my car keys anywhere.", "My car keys have gone missing and I have looked everywhere."},
        {"The new phone has a much better camera than the old one.", "Compared with its predecessor, the latest phone takes far better photos."},
        {"Interest rates were raised by a quarter of a percentage point.", "The central bank increased rates by 0.25 percent."},
        {"The concert was cancelled because the singer fell ill.", "The show was called off after the vocalist got sick."},
        {"Wash your hands before preparing food.", "Before you cook, clean your hands."},
        {"The volcano erupted, covering nearby villages in ash.", "Ash from the eruption blanketed the villages around the volcano."},
        {"This recipe needs two cups of flour and three eggs.", "You will need three eggs and two cups of flour for this dish."},
        {"The software update fixed the battery drain problem.", "After the update, the phone no longer loses charge so quickly."},
        {"The team won the championship after a dramatic final.", "Following a thrilling last match, the squad took the title."},
        {"Please turn off the lights when you leave the room.", "Switch the lights off as you go out of the room, please."},
        {"The river flooded the town after days of heavy rain.", "Days of downpours made the river overflow into the town."},
        {"She is learning to play the violin.", "She has started taking violin lessons."},
        {"The hotel room had a beautiful view of the sea.", "From the hotel room we could see the ocean, and it was lovely."},
        {"Smoking is banned in all public buildings.", "You may not smoke inside any public building."},
        {"The bridge will be closed to traffic for repairs next week.", "Next week cars cannot cross the bridge while it is being repaired."},
        {"My grandmother grows tomatoes in her garden.", "Tomatoes are grown by my grandma in her backyard garden."},
        {"The meeting has been moved to Thursday afternoon.", "We rescheduled the meeting for Thursday after lunch."},
        {"Electric cars produce no exhaust emissions.", "Battery-powered vehicles emit nothing from a tailpipe."},
        {"The dog barked at the mail carrier all morning.", "All morning long the dog kept barking at the postman."},
        {"Astronomers discovered a planet orbiting a distant star.", "A new exoplanet circling a faraway star was found by scientists."},
    };
}
