import * as vscode from 'vscode';

import { DEFAULT_POOL_SETTINGS, type PoolSettings } from '../protocol';

/** The `pairCurator.*` settings for a pool, defaults filled in. */
export function readSettings(scope?: vscode.Uri): PoolSettings {
  const config = vscode.workspace.getConfiguration('pairCurator', scope);
  const d = DEFAULT_POOL_SETTINGS;
  return {
    budget: config.get('budget', d.budget),
    criterion: config.get('criterion', d.criterion),
    method: config.get('method', d.method),
    maxPerPrompt: config.get('maxPerPrompt', d.maxPerPrompt),
    dim: config.get('dim', d.dim),
    beta: config.get('beta', d.beta),
    ridge: config.get('ridge', d.ridge),
    seed: config.get('seed', d.seed),
    featurizer: config.get('featurizer', d.featurizer),
    embeddings: {
      url: config.get('embeddings.url', d.embeddings.url),
      model: config.get('embeddings.model', d.embeddings.model),
    },
    map: config.get('map', d.map),
    shape: config.get('shape', d.shape),
  };
}
