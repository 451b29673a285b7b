package com.interviewroom.realtime.voice.local;

import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.InterviewContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the simulated interviewer says, as a scripted interviewer would run the interview: it
 * introduces the problem, asks for the approach, asks for the complexity, sends the candidate to
 * the editor, reacts to what the observer and the test runs report in its own words (only a line
 * number, a test number or minutes are taken from a note, never its text), asks about complexity
 * and edge cases near the end, and passes on the time warnings. It never says the same line twice
 * in a row, and rotates through its lines before repeating one. Pure logic: no Vert.x, no audio.
 */
final class InterviewScript {
  /** From here on the interviewer steers to complexity and edge cases. */
  static final long WRAP_UP_MS = 8 * 60_000;

  static final List<String> WELCOME_BACK =
      List.of(
          "And we're back. I'm still the simulated interviewer. Carry on from where you were.",
          "Sorry, the connection dropped for a moment. Go on from where you left off.");
  static final List<String> AFTER_APPROACH =
      List.of(
          "Thanks. Before you write it, what would the time and space complexity of that approach be?",
          "Okay, I follow. How does that scale with the input size, in time and in memory?");
  static final List<String> START_CODING =
      List.of(
          "That sounds reasonable. Go ahead and write it in the editor, and talk me through it as you go.",
          "Good, let's see it in code. Think out loud while you type.");
  static final List<String> NUDGE_TO_CODE =
      List.of(
          "Whenever you're ready, start writing it in the editor. A rough first version is fine.",
          "I haven't seen any code yet. Try sketching the main loop first, we can refine it later.",
          "Feel free to start with the simplest version that works, then we'll improve it.");
  static final List<String> WHILE_CODING =
      List.of(
          "Okay, keep going, I'm following.",
          "That makes sense so far. What is that part doing?",
          "Right. How are you keeping track of what you've already seen?",
          "Good. What happens with an empty input at that point?",
          "I can see about %d lines so far. When you think it works, run it against the examples.",
          "Mm, interesting. Is there a case where that breaks?",
          "Sure. Take your time, and tell me when you want to test it.");
  static final List<String> COMPLEXITY =
      List.of(
          "We're getting towards the end. What's the final time and space complexity of your solution?",
          "Let's step back for a moment. What's the time complexity, and could it be any better?");
  static final List<String> EDGE_CASES =
      List.of(
          "Which edge cases would you want to test before calling this done?",
          "What inputs would you worry about in production, for example empty or very large ones?");
  static final List<String> CLOSING =
      List.of(
          "Good. Anything you'd clean up in the code if you had a few more minutes?",
          "Okay. If you had more time, what would you improve?",
          "Thanks. Use the time that's left to tidy up and run it once more.");
  static final List<String> SYNTAX =
      List.of(
          "Have a look at line %d, something there won't run as written.",
          "Before you go further, check line %d. I think there's a syntax slip.");
  static final List<String> APPROACH_SEEN =
      List.of(
          "I see where you're heading with the code. Why that approach, and what does it cost?",
          "Interesting choice in the code. Walk me through the idea behind it.");
  static final List<String> OBSERVED =
      List.of(
          "I'm looking at your code and I'd like to hear about the part you just wrote.",
          "Walk me through the last few lines you wrote, would you?");
  static final List<String> ALL_PASS =
      List.of(
          "Nice, everything passes. What's the time and space complexity of this solution?",
          "All green. Could you make it faster, or use less memory?");
  static final List<String> EXAMPLE_FAILS =
      List.of(
          "Test %d isn't passing yet. What do you think is going on there?",
          "Looks like test %d gives a different answer than expected. Can you trace through it with me?");
  static final List<String> HIDDEN_FAIL =
      List.of(
          "The examples pass, but some of the hidden tests don't. Which inputs might you not be handling?",
          "Close. A few hidden cases fail, so think about edge cases like duplicates, negatives or empty input.");
  static final List<String> SOME_FAIL =
      List.of(
          "Some tests fail. Which case do you think is breaking?",
          "Not all green yet. Pick one failing case and walk me through what your code does with it.");
  static final List<String> NO_RUN =
      List.of(
          "That didn't run cleanly. Have a look at the error output.",
          "Something stopped it before the tests ran. Check the error message at the bottom.");
  static final List<String> TIME_LEFT =
      List.of(
          "Just so you know, we have about %s left. Let's make sure you get to a working solution.",
          "Quick time check: about %s to go. Focus on getting something that runs.");
  static final List<String> TIME_NEARLY_UP =
      List.of(
          "We're nearly out of time, about %s left. Wrap up what you have and tell me how you'd test it.",
          "About %s left. Let's finish here: talk me through what you'd do next.");

  private static final Pattern SYNTAX_LINE = Pattern.compile("syntax problem on line (\\d+)");
  private static final Pattern EXAMPLES = Pattern.compile("(\\d+) of (\\d+) example tests passed");
  private static final Pattern HIDDEN = Pattern.compile("(\\d+) of (\\d+) hidden tests passed");
  private static final Pattern FAILING = Pattern.compile("example test (\\d+) with input");
  private static final Pattern OLD_COUNTS = Pattern.compile("(\\d+) of (\\d+) tests passed");
  private static final Pattern MINUTES = Pattern.compile("(\\d+) (minutes|minute|seconds)");

  private final InterviewContext context;
  private final LongSupplier clock;
  private final long startedAt;
  private final Map<String, Integer> uses = new HashMap<>();
  private String lastLine;
  private int turns;
  private int codeLines = -1;
  private boolean askedComplexity;
  private boolean askedEdgeCases;

  InterviewScript(InterviewContext context, LongSupplier clock) {
    this.context = context;
    this.clock = clock;
    this.startedAt = clock.getAsLong();
    context.history().stream()
        .filter(l -> "assistant".equals(l.role()))
        .reduce((a, b) -> b)
        .ifPresent(
            l -> lastLine = l.text()); // after a reconnect, the line said last is not said again
  }

  String opening() {
    if (!context.history().isEmpty()) {
      return pick(WELCOME_BACK);
    }
    return remember(
        "Hi, I'm a simulated interviewer for this practice session. No AI voice service is connected, "
            + "so I can hear when you talk but not your words. Today's problem is "
            + context.problemTitle()
            + ". Read it through, then tell me how you'd approach it before you write any code.");
  }

  /** The answer to a turn of the candidate's (its length is all we know of it). */
  String afterCandidateTurn(long speechMs) {
    turns++;
    if (remainingMs() <= WRAP_UP_MS) {
      return wrapUp();
    }
    if (turns == 1) {
      return pick(AFTER_APPROACH);
    }
    if (turns == 2 && codeLines <= 0) {
      return pick(START_CODING);
    }
    if (codeLines <= 0) {
      return pick(NUDGE_TO_CODE);
    }
    return pick(WHILE_CODING);
  }

  /** The spoken reaction to a note, in the interviewer's own words; null for silent context. */
  String react(ContextNote note) {
    String text = note.text() == null ? "" : note.text();
    return switch (note.kind()) {
      case CODE_SNAPSHOT -> {
        int fence = text.indexOf("```");
        String body = fence < 0 ? text : text.substring(text.indexOf('\n', fence) + 1);
        codeLines = (int) body.lines().filter(l -> !l.isBlank() && !l.startsWith("```")).count();
        yield null;
      }
      case CODE_OBSERVATION -> {
        Matcher line = SYNTAX_LINE.matcher(text);
        if (line.find()) {
          yield pick(SYNTAX, Integer.parseInt(line.group(1)));
        }
        yield text.contains("approach looks like") ? pick(APPROACH_SEEN) : pick(OBSERVED);
      }
      case EXECUTION_RESULT -> reactToRun(text);
      case TIME_WARNING -> {
        Matcher m = MINUTES.matcher(text);
        boolean found = m.find();
        String amount = found ? m.group(1) + " " + m.group(2) : "a few minutes";
        boolean nearlyUp =
            found && (m.group(2).startsWith("second") || Integer.parseInt(m.group(1)) <= 2);
        yield nearlyUp ? pick(TIME_NEARLY_UP, amount) : pick(TIME_LEFT, amount);
      }
    };
  }

  private String reactToRun(String text) {
    Matcher failing = FAILING.matcher(text);
    if (failing.find()) {
      return pick(EXAMPLE_FAILS, Integer.parseInt(failing.group(1)));
    }
    Matcher examples = EXAMPLES.matcher(text);
    boolean hasExamples = examples.find();
    Matcher hidden = HIDDEN.matcher(text);
    boolean hasHidden = hidden.find();
    Matcher counts = OLD_COUNTS.matcher(text);
    boolean hasCounts = !hasExamples && !hasHidden && counts.find();
    if (text.contains("No test ran") || !(hasExamples || hasHidden || hasCounts)) {
      return pick(NO_RUN);
    }
    boolean examplesOk = !hasExamples || examples.group(1).equals(examples.group(2));
    boolean hiddenOk = !hasHidden || hidden.group(1).equals(hidden.group(2));
    boolean countsOk = !hasCounts || counts.group(1).equals(counts.group(2));
    if (examplesOk && hiddenOk && countsOk) {
      askedComplexity = true;
      return pick(ALL_PASS);
    }
    return examplesOk && countsOk ? pick(HIDDEN_FAIL) : pick(SOME_FAIL);
  }

  private String wrapUp() {
    if (!askedComplexity) {
      askedComplexity = true;
      return pick(COMPLEXITY);
    }
    if (!askedEdgeCases) {
      askedEdgeCases = true;
      return pick(EDGE_CASES);
    }
    return pick(CLOSING);
  }

  long remainingMs() {
    return context.remainingMs() - (clock.getAsLong() - startedAt);
  }

  /** The least used line of the pool that is not the last one said (formatted with {@code arg}). */
  private String pick(List<String> pool, Object... args) {
    String best = null;
    int bestUses = Integer.MAX_VALUE;
    for (String template : pool) {
      String line =
          template.contains("%")
              ? String.format(
                  java.util.Locale.ROOT,
                  template,
                  args.length > 0 ? args : new Object[] {codeLines})
              : template;
      int used = uses.getOrDefault(template, 0);
      if (!line.equals(lastLine) && used < bestUses) {
        best = template;
        bestUses = used;
      }
    }
    if (best == null) {
      best = pool.get(0) + (pool.size() == 1 ? " Take your time." : "");
    }
    uses.merge(best, 1, Integer::sum);
    String line =
        best.contains("%")
            ? String.format(
                java.util.Locale.ROOT, best, args.length > 0 ? args : new Object[] {codeLines})
            : best;
    return remember(line);
  }

  private String remember(String line) {
    lastLine = line;
    return line;
  }
}
