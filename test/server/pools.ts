/** Pools written by the tests: small, deterministic, with embeddings so that no text model runs. */

/** A seeded generator, so every run sees the same pool. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A long-shape JSONL pool: one completion a line, each with an embedding of `dim` numbers. */
export function longPool(prompts: number, completions: number, dim: number, seed = 1): string {
  const random = generator(seed);
  const lines: string[] = [];
  for (let p = 0; p < prompts; p++) {
    for (let c = 0; c < completions; c++) {
      const embedding = Array.from({ length: dim }, () => Number((random() * 2 - 1).toFixed(4)));
      lines.push(
        JSON.stringify({
          prompt_id: `p${p}`,
          prompt: `Question number ${p}: explain topic ${p}.`,
          completion_id: `p${p}-c${c}`,
          completion: `Answer ${c} to question ${p}, variant ${Math.floor(random() * 1000)}.`,
          score: Number((random() * 10).toFixed(2)),
          embedding,
        }),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The same pool as text without embeddings: the built-in text featurizer runs. */
export function textPool(prompts: number, completions: number): string {
  const lines: string[] = [];
  for (let p = 0; p < prompts; p++) {
    for (let c = 0; c < completions; c++) {
      lines.push(
        JSON.stringify({
          prompt_id: `p${p}`,
          prompt: `Explain subject ${p} to a beginner.`,
          completion: `Subject ${p} explained: ${'word'.repeat(c + 1)} number ${c * 7 + p}.`,
        }),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
