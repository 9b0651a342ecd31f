import { seededRandom, type Random } from '../design/seeded-random';
import { normal } from './normal';
import { tiltedPolicy } from './policy-value';
import { streamSeed } from './streams';

/**
 * A synthetic world with known truth, on finite completion pools.
 *
 * Policies are log-linear in the features with a uniform base over each pool:
 *
 *     pi_theta(j|i) = exp(theta' phi_ij) / sum_k exp(theta' phi_ik)
 *
 * The reference (the SFT model) is pi_0 = pi_theta0, so every policy of the class is also
 * pi_theta = pi_0 exp((theta - theta_0)' phi) / Z: the form pi_0 exp(theta' phi) with theta
 * measured from theta_0. The truth is theta* = theta_0 + delta with the reward
 *
 *     r*(i, j) = beta * delta' phi_ij
 *
 * so pi* = pi_theta* = pi_0 exp(r* / beta) / Z, the maximiser of
 * J(pi) = mean_i [E_pi r* - beta KL(pi || pi_0)]. Labels are Bradley-Terry,
 * P(a preferred to b) = sigma(r*_a - r*_b) = sigma(delta' g_e) with g_e = beta (phi_a - phi_b),
 * and DPO's logit for the pair is (theta - theta_0)' g_e: the logistic regression on g_e
 * estimates delta.
 *
 * Features: phi_ij = m_i + c_i * Lambda^(1/2) z_ij with z_ij, m_i standard normal draws (m_i
 * scaled by Lambda^(1/2)), coordinate variances Lambda_k proportional to 1 / (k + 1) (a
 * decaying spectrum, as principal components have) with mean 1, and a per-prompt spread
 * c_i = exp(spread * z_i): some prompts' completions differ more than others'. The prompt mean
 * m_i cancels in every pair and every within-prompt softmax.
 *
 * theta_0 is a standard normal direction and delta has coordinates z_k (k + 1)^-concentration
 * (concentration 0: spread over every coordinate; large: along the leading ones). Both are
 * scaled on the features so that, over completions within a prompt, log pi_0 has standard
 * deviation `skew` and r* has standard deviation `signal`. A world can also be built on given
 * features (a real pool's, with its own pi_0): then only the truth is synthetic.
 */
export interface WorldSettings {
  /** Number of prompts N. */
  prompts: number;
  /** Completions per prompt K. */
  completions: number;
  /** Feature dimension d. */
  dim: number;
  /** Within-prompt standard deviation of log pi_0 (0: uniform reference). */
  skew: number;
  /** Decay exponent of delta's coordinates (0: every coordinate alike). */
  concentration: number;
  /** Within-prompt standard deviation of the true reward r*, in Bradley-Terry logits. */
  signal: number;
  /** DPO temperature: the weight of the KL term of J. */
  beta: number;
  /** Standard deviation of log c_i, the per-prompt spread of completions. */
  spread: number;
  /** Standard deviation of the noise on the score field the score baselines rank by. */
  scoreNoise: number;
}

export const DEFAULT_WORLD_SETTINGS: WorldSettings = {
  prompts: 100,
  completions: 8,
  dim: 8,
  skew: 1,
  concentration: 1,
  signal: 1,
  beta: 0.1,
  spread: 0.5,
  scoreNoise: 0.5,
};

export interface SyntheticWorld {
  settings: WorldSettings;
  seed: number;
  /** Number of completions n and the feature dimension d. */
  n: number;
  d: number;
  /** offsets[i] is the first completion of prompt i; offsets[N] = n. */
  offsets: Int32Array;
  /** n x d, row-major: phi. */
  features: Float64Array;
  /** Length d: the reference's parameter (absent when pi_0 was given) and delta. */
  theta0?: Float64Array;
  delta: Float64Array;
  /** Per completion (length n): pi_0 within its prompt, r*, pi*, and the noisy score. */
  pi0: Float64Array;
  reward: Float64Array;
  best: Float64Array;
  score: Float64Array;
}

/**
 * Completion features a world can be built on instead of drawn ones: a pool's own features
 * (n x d, row-major, prompts in order) and, when known, its reference policy.
 */
export interface FeatureSource {
  features: Float64Array;
  d: number;
  offsets: Int32Array;
  /** Per completion pi_0 within its prompt; absent: pi_0 = pi_theta0 with `skew`. */
  pi0?: Float64Array;
}

/** Draws a world from its settings and seed; the same seed gives the same world. */
export function createWorld(settings: WorldSettings, seed: number): SyntheticWorld {
  checkSettings(settings);
  const features = drawFeatures(settings, seededRandom(streamSeed(seed, 'features')));
  return worldOnFeatures(features, settings, seed);
}

/**
 * A world with a synthetic truth on given features (a real pool's, for a what-if on its own
 * geometry): theta_0 (unless pi_0 is given), delta and the score noise are drawn as in
 * `createWorld`; `prompts`, `completions`, `dim`, and `spread` of the settings are unused.
 */
export function worldOnFeatures(
  source: FeatureSource,
  settings: WorldSettings,
  seed: number,
): SyntheticWorld {
  const { features, d, offsets } = source;
  const { beta } = settings;
  const n = offsets[offsets.length - 1];
  if (features.length !== n * d) throw new Error('Features do not match the prompt offsets');
  const random = seededRandom(streamSeed(seed, 'truth'));
  const theta0 = Float64Array.from({ length: d }, () => normal(random));
  const direction = Float64Array.from(
    { length: d },
    (_, k) => normal(random) * Math.pow(k + 1, -settings.concentration),
  );
  const delta = scaleToSpread(direction, settings.signal / beta, features, offsets);
  let pi0 = source.pi0;
  if (!pi0) {
    scaleToSpread(theta0, settings.skew, features, offsets);
    const uniform = new Float64Array(n);
    for (let i = 0; i + 1 < offsets.length; i++) {
      uniform.fill(1 / (offsets[i + 1] - offsets[i]), offsets[i], offsets[i + 1]);
    }
    pi0 = tiltedPolicy(uniform, project(features, d, theta0), 1, offsets);
  }
  const reward = project(features, d, delta).map((v) => beta * v);
  const best = tiltedPolicy(pi0, reward, beta, offsets);
  const score = reward.map((v) => v + settings.scoreNoise * normal(random));
  return {
    settings,
    seed,
    n,
    d,
    offsets,
    features,
    theta0: source.pi0 ? undefined : theta0,
    delta,
    pi0,
    reward,
    best,
    score,
  };
}

/** Synthetic features: prompt means, per-prompt spreads, a decaying coordinate spectrum. */
function drawFeatures(settings: WorldSettings, random: Random): FeatureSource {
  const { prompts, completions, dim: d } = settings;
  const n = prompts * completions;
  const offsets = Int32Array.from({ length: prompts + 1 }, (_, i) => i * completions);
  const scale = new Float64Array(d);
  let harmonic = 0;
  for (let k = 0; k < d; k++) harmonic += 1 / (k + 1);
  for (let k = 0; k < d; k++) scale[k] = Math.sqrt(d / (harmonic * (k + 1)));

  const features = new Float64Array(n * d);
  for (let i = 0; i < prompts; i++) {
    const mean = Float64Array.from(scale, (s) => s * normal(random));
    const spread = Math.exp(settings.spread * normal(random));
    for (let c = offsets[i]; c < offsets[i + 1]; c++) {
      for (let k = 0; k < d; k++) {
        features[c * d + k] = mean[k] + spread * scale[k] * normal(random);
      }
    }
  }
  return { features, d, offsets };
}

/** u[c] = phi_c . v for every row of the n x d `features`. */
export function project(features: Float64Array, d: number, v: Float64Array): Float64Array {
  const out = new Float64Array(features.length / d);
  for (let c = 0; c < out.length; c++) {
    let sum = 0;
    for (let k = 0; k < d; k++) sum += features[c * d + k] * v[k];
    out[c] = sum;
  }
  return out;
}

/**
 * Rescales `v` in place so that v' phi has standard deviation `target` over completions
 * within their prompts (each prompt's mean removed, completions weighted alike).
 */
function scaleToSpread(
  v: Float64Array,
  target: number,
  features: Float64Array,
  offsets: Int32Array,
): Float64Array {
  const d = v.length;
  const u = project(features, d, v);
  let squares = 0;
  for (let i = 0; i + 1 < offsets.length; i++) {
    const k = offsets[i + 1] - offsets[i];
    let mean = 0;
    for (let c = offsets[i]; c < offsets[i + 1]; c++) mean += u[c] / k;
    for (let c = offsets[i]; c < offsets[i + 1]; c++) squares += (u[c] - mean) ** 2;
  }
  const spread = Math.sqrt(squares / u.length);
  const factor = spread > 0 ? target / spread : 0;
  for (let k = 0; k < d; k++) v[k] *= factor;
  return v;
}

function checkSettings(settings: WorldSettings): void {
  const { prompts, completions, dim } = settings;
  if (!Number.isInteger(prompts) || prompts < 1) throw new Error('World needs at least 1 prompt');
  if (!Number.isInteger(completions) || completions < 2) {
    throw new Error('World needs at least 2 completions per prompt');
  }
  if (!Number.isInteger(dim) || dim < 1) throw new Error('World needs a dimension of at least 1');
  if (!(settings.beta > 0)) throw new Error('beta must be positive');
  for (const name of ['skew', 'concentration', 'signal', 'spread', 'scoreNoise'] as const) {
    if (!(settings[name] >= 0)) throw new Error(`${name} must be zero or more`);
  }
}
