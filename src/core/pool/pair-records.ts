/**
 * The pairs shape (TRL `prompt` / `chosen` / `rejected`): each record is a labelled pair. A
 * prompt's pool is the distinct completions of all its pairs, and every pair becomes a prior
 * label. Conversational pairs hold lists of messages; when the prompt is not given apart, the
 * turns before the last one of `chosen` are the prompt.
 */
import type { Completion } from './pool';
import type { Extractor, GroupDraft, PoolBuilder } from './pool-builder';
import { promptGroupOf } from './prompt-key';
import { getPath, readList } from './record-fields';
import type { Layout } from './shape-detect';
import {
  duplicateKey,
  isBlank,
  isMessageList,
  messageContent,
  renderMessages,
  textOf,
} from './text';

/** Reads pair records into completions shared across a prompt's pairs, and prior labels. */
export function pairExtractor(layout: Layout, builder: PoolBuilder): Extractor {
  const [chosenScore, rejectedScore] = scorePaths(layout.score);

  return (record, line) => {
    const chosenValue = getPath(record, layout.chosen);
    const rejectedValue = getPath(record, layout.rejected);
    const group = promptGroupOf(record, line, layout, builder, implicitPrompt(chosenValue));
    if (!group) return;

    const chosen = sideText(chosenValue);
    const rejected = sideText(rejectedValue);
    if (chosen === undefined) builder.missingText(line, layout.chosen, chosenValue, 'pair skipped');
    if (rejected === undefined) {
      builder.missingText(line, layout.rejected, rejectedValue, 'pair skipped');
    }
    if (chosen === undefined || rejected === undefined) return;

    if (duplicateKey(chosen) === duplicateKey(rejected)) {
      const message =
        `\`${layout.chosen}\` and \`${layout.rejected}\` are the same text; pair skipped: ` +
        'it carries no preference information';
      builder.report('duplicate-completion', line, layout.rejected, message);
      return;
    }

    const side = (text: string, scorePath: string | undefined) => {
      const score = scorePath ? getPath(record, scorePath) : undefined;
      return addSide(builder, group, text, line, score, scorePath);
    };
    builder.label(group, side(chosen, chosenScore), side(rejected, rejectedScore), line);
  };
}

/** `score_chosen+score_rejected` -> the two paths; one path scores the chosen side only. */
function scorePaths(spec: string): [string | undefined, string | undefined] {
  const [chosen, rejected] = spec.split('+').map((p) => p.trim());
  return [chosen || undefined, rejected || undefined];
}

/** The prompt of an implicit-prompt conversational pair: every turn of `chosen` but the last. */
function implicitPrompt(chosen: unknown): string | undefined {
  const messages = readList(chosen);
  if (!messages || messages.length < 2 || !isMessageList(messages)) return undefined;
  return renderMessages(messages.slice(0, -1));
}

/** The completion text of one side: a string, or the last turn of a conversation. */
function sideText(value: unknown): string | undefined {
  const messages = readList(value);
  const text =
    messages && isMessageList(messages) ? messageContent(messages.at(-1)!) : textOf(value);
  return text === undefined || isBlank(text) ? undefined : text;
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
