/**
 * The pairs shape (TRL `prompt` / `chosen` / `rejected`, and HH text dialogues): each record is a
 * labelled pair. A prompt's pool is the distinct completions of all its pairs, and every pair
 * becomes a prior label. When the prompt is not given apart, each side is split into its dialogue
 * and its reply (see `dialogue-split.ts`), and the two dialogues must be the same: a pair whose
 * sides answer different dialogues is reported and skipped, never merged.
 */
import { isTextDialogue, splitSide, splitTextPair, type SideSplit } from './dialogue-split';
import { readField } from './field-spec';
import type { Completion } from './pool';
import type { Extractor, GroupDraft, PoolBuilder } from './pool-builder';
import { promptGroupOf, readPromptText } from './prompt-key';
import type { Layout } from './shape-detect';
import { duplicateKey, isBlank } from './text';

/** Reads pair records into completions shared across a prompt's pairs, and prior labels. */
export function pairExtractor(layout: Layout, builder: PoolBuilder): Extractor {
  const [chosenScore, rejectedScore] = scorePaths(layout.score);
  // Distinct side texts met per prompt, to count what the file offered before dropping.
  const offeredTexts = new Map<GroupDraft, Set<string>>();

  return (record, line) => {
    const chosenValue = readField(record, layout.chosen);
    const rejectedValue = readField(record, layout.rejected);
    const split = splitPair(record, line, layout, builder, chosenValue, rejectedValue);
    if (!split) return;

    const { chosen, rejected, context, noTurnsBefore } = split;
    const noText = noTurnsBefore
      ? `the dialogue has no turns before the assistant's reply in \`${layout.chosen}\` and ` +
        `\`${layout.rejected}\`, and the record has no \`${layout.promptId}\` or prompt ` +
        'field; pair skipped: include the turns that lead to the reply, or name the prompt with ' +
        '--map prompt=FIELD'
      : undefined;
    const group = promptGroupOf(record, line, layout, builder, context, noText);
    if (!group) return;

    let seen = offeredTexts.get(group);
    if (!seen) offeredTexts.set(group, (seen = new Set()));
    const chosenText = offer(group, seen, chosen);
    const rejectedText = offer(group, seen, rejected);
    if (chosenText === undefined) {
      builder.missingText(line, layout.chosen, chosenValue, 'pair skipped');
    }
    if (rejectedText === undefined) {
      builder.missingText(line, layout.rejected, rejectedValue, 'pair skipped');
    }
    if (chosenText === undefined || rejectedText === undefined) return;

    if (duplicateKey(chosenText) === duplicateKey(rejectedText)) {
      const message =
        `\`${layout.chosen}\` and \`${layout.rejected}\` are the same text; pair skipped: ` +
        'it carries no preference information';
      builder.report('duplicate-completion', line, layout.rejected, message);
      return;
    }

    const side = (text: string, scorePath: string | undefined) => {
      const score = scorePath ? readField(record, scorePath) : undefined;
      return addSide(builder, group, text, line, score, scorePath);
    };
    builder.label(group, side(chosenText, chosenScore), side(rejectedText, rejectedScore), line);
  };
}

/** The two sides of a pair split into replies and their shared dialogue. */
interface PairSplit {
  chosen: string | undefined;
  rejected: string | undefined;
  /** The dialogue both replies answer, when the sides carry it. */
  context: string | undefined;
  /** True when the sides are dialogues that start with the reply: nothing came before it. */
  noTurnsBefore: boolean;
}

/**
 * Split both sides of a pair into dialogue and reply; undefined (the problem reported) when a
 * side has no reply to split at or the two dialogues differ. With no prompt given apart, both
 * sides must carry the same dialogue; with a prompt given, sides that hold only their reply are
 * fine, and HH markers in them are left alone. An empty side is not compared: it is reported as
 * empty once the prompt is known.
 */
function splitPair(
  record: object,
  line: number,
  layout: Layout,
  builder: PoolBuilder,
  chosenValue: unknown,
  rejectedValue: unknown,
): PairSplit | undefined {
  const given = readPromptText(record, layout.prompt) !== undefined;
  const dialogue = !given && (isTextDialogue(chosenValue) || isTextDialogue(rejectedValue));
  const sides: [string, unknown][] = [
    [layout.chosen, chosenValue],
    [layout.rejected, rejectedValue],
  ];

  const splits: Extract<SideSplit, { ok: true }>[] = [];
  for (const [field, value] of sides) {
    const side = isEmptySide(value) ? EMPTY_SIDE : splitSide(value, dialogue);
    if (!side.ok) {
      const message = `\`${field}\` ${side.reason}; pair skipped: its reply cannot be told apart`;
      builder.report('no-assistant-turn', line, field, message);
      return undefined;
    }
    splits.push(side);
  }
  const a = splits[0]!;
  const b = splits[1]!;
  const noTurnsBefore =
    (a.dialogue || b.dialogue) && a.context === undefined && b.context === undefined;

  if (dialogue && typeof chosenValue === 'string' && typeof rejectedValue === 'string') {
    const pair = splitTextPair(chosenValue, rejectedValue);
    if (pair) return { ...pair, noTurnsBefore };
  }

  const empty = isEmptySide(chosenValue) || isEmptySide(rejectedValue);
  const differ = given
    ? a.key !== undefined && b.key !== undefined && a.key !== b.key
    : !empty && a.key !== b.key;
  if (differ) {
    const where = dialogue ? 'up to their last "\\n\\nAssistant:"' : 'before their final reply';
    const message =
      `\`${layout.chosen}\` and \`${layout.rejected}\` differ ${where}; pair skipped: ` +
      'the two replies answer different dialogues';
    builder.report('context-mismatch', line, layout.rejected, message);
    return undefined;
  }
  return { chosen: a.text, rejected: b.text, context: a.context ?? b.context, noTurnsBefore };
}

/** The split of a side that holds nothing: no dialogue, no reply. */
const EMPTY_SIDE: SideSplit = {
  ok: true,
  context: undefined,
  key: undefined,
  text: undefined,
  dialogue: false,
};

/** A side with nothing in it: absent, null, blank text or an empty list. */
function isEmptySide(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return value === undefined || value === null || (typeof value === 'string' && isBlank(value));
}

/** A side's text, counted as offered to its prompt; undefined when it has none. */
function offer(group: GroupDraft, seen: Set<string>, text: string | undefined): string | undefined {
  if (text === undefined || isBlank(text)) {
    group.offered++;
    return undefined;
  }
  const key = duplicateKey(text);
  if (!seen.has(key)) {
    seen.add(key);
    group.offered++;
  }
  return text;
}

/** `score_chosen+score_rejected` -> the two paths; one path scores the chosen side only. */
function scorePaths(spec: string): [string | undefined, string | undefined] {
  const [chosen, rejected] = spec.split('+').map((p) => p.trim());
  return [chosen || undefined, rejected || undefined];
}

function addSide(
  builder: PoolBuilder,
  group: GroupDraft,
  text: string,
  line: number,
  scoreValue: unknown,
  scorePath: string | undefined,
): number {
  const completion: Completion = { id: String(group.completions.length), text, line };
  if (scorePath !== undefined) {
    const score = builder.number(scoreValue, line, scorePath, 'score');
    if (score !== undefined) completion.score = score;
  }

  const index = builder.merge(group, completion);
  const kept = group.completions[index]!;
  // A completion met again in a later pair may carry the score its first pair lacked.
  if (kept.score === undefined && completion.score !== undefined) kept.score = completion.score;
  return index;
}
