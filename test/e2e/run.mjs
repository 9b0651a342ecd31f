// End-to-end test of Pair Curator in a real VS Code: packages the VSIX, installs it into
// code-server, serves it on loopback with a fresh profile, and drives it with Chromium through
// playwright-core as a curator would. Screenshots go to test/e2e/out/. Prints "N passed, M failed".
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const out = join(here, 'out');
const codeServer = join(here, 'node_modules/.bin/code-server');
const BUDGET = 40;

const results = [];
let failed = 0;
/** Set once the browser is up, to save a screenshot of each failure. */
let onFailure = async () => {};

/** Runs one check; a failure is recorded and the run goes on. */
async function check(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push(name);
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name} (${Date.now() - started} ms)\n     ${error?.stack ?? error}`);
    await onFailure(failed).catch(() => undefined);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function until(what, probe, timeoutMs = 60000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The pool the test opens: the bundled example, else the first 40 prompts of the shared data. */
function poolText() {
  const example = join(root, 'examples/arena.pool.jsonl');
  if (existsSync(example)) return readFileSync(example, 'utf8');
  const shared = resolve(root, '../shared/data/arena-pool/arena-bench-v1.long.jsonl');
  return `${readFileSync(shared, 'utf8').split('\n').slice(0, 680).join('\n')}\n`;
}

/** Three prompts of four short answers each, for the sentence encoder. */
function tinyPool() {
  const topics = ['tides', 'volcanoes', 'photosynthesis'];
  const answers = [
    (t) => `A short, plain explanation of ${t} for a child.`,
    (t) => `${t}: a technical account with the governing equations.`,
    (t) => `I do not know much about ${t}, sorry.`,
    (t) => `A poem about ${t}, in four lines.`,
  ];
  return topics
    .flatMap((t, p) =>
      answers.map((answer, c) =>
        JSON.stringify({
          prompt_id: `t${p}`,
          prompt: `Explain ${t}.`,
          completion_id: `a${c}`,
          completion: answer(t),
        }),
      ),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** A long pool's text as one record a prompt: the generated-and-scored dataset layout. */
function wideText(longText) {
  const prompts = new Map();
  for (const line of longText.trim().split('\n')) {
    const record = JSON.parse(line);
    const wide = prompts.get(record.prompt_id) ?? {
      prompt_id: record.prompt_id,
      prompt: record.prompt,
      all_generated_responses: [],
      all_rm_scores: [],
    };
    wide.all_generated_responses.push(record.completion);
    wide.all_rm_scores.push(record.score ?? null);
    prompts.set(record.prompt_id, wide);
  }
  return [...prompts.values()].map((r) => `${JSON.stringify(r)}\n`).join('');
}

const HOSTILE = [
  {
    prompt_id: 'x1',
    prompt: 'Markup <b>prompt</b>',
    completion: '<script>window.__pwned = 1</script>',
  },
  {
    prompt_id: 'x1',
    prompt: 'Markup <b>prompt</b>',
    completion: '<img src=x onerror="window.__pwned = 2">',
  },
  { prompt_id: 'x1', prompt: 'Markup <b>prompt</b>', completion: 'plain & simple "text"' },
]
  .map((r) => JSON.stringify(r))
  .concat(['{"prompt_id": "x1", "completion": broken'])
  .join('\n');

/** 400 prompts of 23 completions with small embeddings: 101,200 candidate pairs. */
function largePool() {
  let state = 7;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const lines = [];
  for (let p = 0; p < 400; p++) {
    for (let c = 0; c < 23; c++) {
      const embedding = Array.from({ length: 8 }, () => Number((random() * 2 - 1).toFixed(3)));
      lines.push(
        JSON.stringify({
          prompt_id: `q${p}`,
          prompt: `Question ${p}`,
          completion: `Answer ${c}`,
          embedding,
        }),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'pair-curator-e2e-'));
const userData = join(scratch, 'user');
const extensions = join(scratch, 'extensions');
const workspace = join(scratch, 'workspace');
mkdirSync(join(userData, 'User'), { recursive: true });
mkdirSync(workspace, { recursive: true });

let server;
let browser;
try {
  console.log('packaging the extension');
  execFileSync('npm', ['run', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const vsix = join(root, 'pair-curator.vsix');
  const kib = Math.round(readFileSync(vsix).length / 1024);
  console.log(`VSIX ${kib} KiB`);

  execFileSync(
    codeServer,
    ['--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );

  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'window.commandCenter': false,
  };
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify(settings, null, 2));
  writeFileSync(join(workspace, 'arena.pool.jsonl'), poolText());
  writeFileSync(join(workspace, 'hostile.pool.jsonl'), `${HOSTILE}\n`);
  writeFileSync(join(workspace, 'large.pool.jsonl'), largePool());
  writeFileSync(join(workspace, 'tiny.pool.jsonl'), tinyPool());
  writeFileSync(join(workspace, 'plain.jsonl'), poolText().split('\n').slice(0, 3).join('\n'));
  // The same real pool as the curator's pipeline left it: gzip-compressed, in the wide layout
  // of a generated-and-scored dataset, under a name that says neither.
  writeFileSync(join(workspace, 'generations.jsonl.gz'), gzipSync(wideText(poolText())));
  const prompts = new Set(
    poolText()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).prompt_id),
  );

  const port = await freePort();
  const log = join(out, 'code-server.log');
  server = spawn(
    codeServer,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      workspace,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logLines = [];
  server.stdout.on('data', (d) => logLines.push(String(d)));
  server.stderr.on('data', (d) => logLines.push(String(d)));
  process.on('exit', () => writeFileSync(log, logLines.join('')));

  const base = `http://127.0.0.1:${port}`;
  await until('code-server', async () => (await fetch(`${base}/healthz`)).ok, 60000);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

  onFailure = (n) => page.screenshot({ path: join(out, `failure-${n}.png`) });

  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });

  /** Opens the quick input with a key, retrying when a focused frame swallowed the key. */
  async function quickInput(key) {
    const input = page.locator('.quick-input-widget input');
    for (let attempt = 0; ; attempt++) {
      await page.keyboard.press(key);
      try {
        await input.waitFor({ state: 'visible', timeout: 3000 });
        return input;
      } catch (error) {
        if (attempt === 3) throw error;
        await page.keyboard.press('Escape');
        await page.locator('.part.statusbar').click({ position: { x: 600, y: 5 } });
      }
    }
  }

  async function palette(command) {
    const input = await quickInput('F1');
    await input.fill(`>${command}`);
    // Attached, not visible: beside a binary file's placeholder editor the list can report its
    // rows hidden while the focused one still runs on Enter.
    await page
      .locator('.quick-input-list .monaco-list-row.focused', { hasText: command })
      .first()
      .waitFor({ state: 'attached', timeout: 15000 });
    await page.keyboard.press('Enter');
  }

  async function openFile(name) {
    const input = await quickInput('Control+P');
    await input.fill(name);
    const exact = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const row = page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: exact }) })
      .first();
    await row.click({ timeout: 15000 });
    await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 15000 });
  }

  /** The frame of the side panel's content, once its table exists. */
  async function panelFrame() {
    return until('the side panel', async () => {
      for (const frame of page.frames()) {
        if (
          (await frame
            .locator('#rows')
            .count()
            .catch(() => 0)) > 0
        )
          return frame;
      }
      return undefined;
    });
  }

  await check('code lenses render above the prompts of the real pool', async () => {
    await openFile('arena.pool.jsonl');
    const lens = page.locator('.codelens-decoration', { hasText: 'top pair' }).first();
    await lens.waitFor({ timeout: 90000 });
    const text = await lens.innerText();
    assert(/17 completions · 136 pairs · top pair [0-9.e+-]+/.test(text), `lens reads "${text}"`);
  });

  let panel;
  await check('the panel shows the pool summary and a table of scored pairs', async () => {
    await palette('Pair Curator: Show Pair Scores');
    panel = await panelFrame();
    await panel.locator('#rows .row').first().waitFor({ timeout: 60000 });
    const scores = await panel.locator('#rows .row .td.score').allInnerTexts();
    assert(scores.length > 10, `only ${scores.length} rows drawn`);
    const numbers = scores.map(Number);
    assert(numbers.every(Number.isFinite), `scores ${scores.slice(0, 5).join(', ')}`);
    for (let i = 1; i < numbers.length; i++) assert(numbers[i - 1] >= numbers[i], 'not sorted');
    const status = await panel.locator('#table-status').innerText();
    assert(/^[\d,]+ pairs$/.test(status), `status reads "${status}"`);
    const summary = await panel.locator('#summary').innerText();
    assert(summary.includes(String(prompts.size)), `summary reads "${summary}"`);
    const reading = await panel.locator('#summary .reading').innerText();
    assert(/^jsonl, read as long .*completion = completion/.test(reading), `reads "${reading}"`);
    await page.screenshot({ path: join(out, 'panel.png') });
  });

  await check('keyboard navigation selects a pair and shows both completions', async () => {
    await panel.locator('#rows').focus();
    await panel.locator('#rows').press('ArrowDown');
    await panel.locator('#rows').press('ArrowDown');
    await panel.locator('#detail .completion .text').first().waitFor({ timeout: 15000 });
    const selected = await panel.locator('#rows .row.selected .td.rank').innerText();
    assert(selected.trim() === '2', `selected row ${selected}`);
    const texts = await panel.locator('#detail .completion .text').allInnerTexts();
    assert(texts.length === 2 && texts.every((t) => t.length > 0), 'completions missing');
  });

  await check('Enter on a pair opens "Compare Pair" in a diff editor', async () => {
    await panel.locator('#rows').press('Enter');
    await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 15000 });
    const tab = await page.locator('.tab.active').innerText();
    assert(tab.includes('↔'), `diff tab reads "${tab}"`);
    for (const side of ['original', 'modified']) {
      await until(
        `the ${side} side of the diff`,
        async () => {
          const lines = page.locator(`.monaco-diff-editor .editor.${side} .view-line`);
          return (await lines.allInnerTexts()).join('').trim().length > 0;
        },
        15000,
      );
    }
    await page.screenshot({ path: join(out, 'compare.png') });
  });

  const pairsPath = join(workspace, 'arena.pool.pairs.jsonl');
  const reportPath = join(workspace, 'arena.pool.design.json');
  await check(`"Run Budgeted Design" from the palette writes ${BUDGET} valid pairs`, async () => {
    await openFile('arena.pool.jsonl');
    await palette('Pair Curator: Run Budgeted Design');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-widget', { hasText: 'Budget' }).waitFor({ timeout: 15000 });
    await input.fill(String(BUDGET));
    await page.keyboard.press('Enter');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'dpo' })
      .first()
      .waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');

    await until(
      'the pairs and report files',
      async () => existsSync(pairsPath) && existsSync(reportPath),
      180000,
    );
    const pairs = readFileSync(pairsPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert(pairs.length === BUDGET, `${pairs.length} pairs written`);
    const ids = new Set(pairs.map((p) => p.pair_id));
    assert(ids.size === BUDGET, 'pair ids repeat');
    pairs.forEach((p, i) => {
      assert(prompts.has(p.prompt_id), `unknown prompt ${p.prompt_id}`);
      assert(p.a_id !== p.b_id, `pair ${p.pair_id} compares a completion with itself`);
      assert(p.completion_a && p.completion_b && p.completion_a !== p.completion_b, 'texts');
      assert(p.rank === i + 1, `rank ${p.rank} at line ${i + 1}`);
      assert(Number.isFinite(p.score) && Number.isFinite(p.weight), 'score and weight');
    });
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    assert(report.design.labels === BUDGET, `report says ${report.design.labels} labels`);
    const efficiency = report.design.certificate.efficiency;
    assert(efficiency > 0 && efficiency <= 1, `efficiency ${efficiency}`);
    assert(
      report.baselines.some((b) => b.name === 'uniform'),
      'no uniform baseline',
    );
    const leftovers = execFileSync('ls', ['-A', workspace]).toString();
    assert(!/\.tmp\b/.test(leftovers), `temporary files left: ${leftovers}`);

    await page.locator('.tab.active', { hasText: 'arena.pool.pairs.jsonl' }).waitFor();
    const toast = page.locator('.notification-toast', { hasText: 'as efficient as the best' });
    await toast.first().waitFor({ timeout: 15000 });
    await page.screenshot({ path: join(out, 'design-result.png') });
  });

  await check('the panel marks the chosen pairs and draws the budget curve', async () => {
    await openFile('arena.pool.jsonl');
    await panel.locator('#rows .row.chosen').first().waitFor({ timeout: 30000 });
    const chosen = await panel.locator('#rows .row.chosen').count();
    assert(chosen > 0, 'no chosen row');
    await panel.locator('#curve-chart svg polyline').first().waitFor({ timeout: 60000 });
    const lines = await panel.locator('#curve-chart svg polyline').count();
    assert(lines >= 2, `${lines} curve lines`);
    await page
      .locator('.codelens-decoration', { hasText: 'chosen' })
      .first()
      .waitFor({ timeout: 15000 });
    await page.screenshot({ path: join(out, 'panel-after-run.png') });
    const clip = { x: 0, y: 0, width: 1000, height: 640 };
    await page.screenshot({ path: join(out, 'screenshot.png'), clip });
    await panel.locator('#curve-chart').scrollIntoViewIfNeeded();
    await page.locator('.part.sidebar').screenshot({ path: join(out, 'panel-charts.png') });
  });

  await check('completions holding markup show as text in the panel', async () => {
    await openFile('hostile.pool.jsonl');
    await page.locator('.squiggly-error').first().waitFor({ timeout: 30000 });
    await until('the hostile pool in the panel', async () =>
      (await panel.locator('#summary h2').innerText()).includes('hostile'),
    );
    await panel.locator('#rows .row').first().waitFor({ timeout: 30000 });
    const rows = await panel.locator('#rows .row').count();
    for (let i = 0; i < rows; i++) {
      await panel.locator('#rows .row').nth(i).click();
      await page.waitForTimeout(300);
    }
    await panel.locator('#rows .row').first().click();
    await panel.locator('#detail .completion .text').first().waitFor();
    const allText = await panel.locator('body').innerText();
    const tooltips = await panel
      .locator('#rows .row .td.pair')
      .evaluateAll((n) => n.map((e) => e.title));
    const shown = `${allText}\n${tooltips.join('\n')}`;
    assert(shown.includes('<script>window.__pwned = 1</script>'), 'the <script> text is not shown');
    assert(
      shown.includes('<img src=x onerror="window.__pwned = 2">'),
      'the <img> text is not shown',
    );
    assert(shown.includes('Markup <b>prompt</b>'), 'the prompt markup is not shown as text');
    const injected = await panel.evaluate(() => ({
      pwned: window.__pwned,
      images: document.querySelectorAll('img').length,
      bold: document.querySelectorAll('#detail b, #rows b').length,
      scripts: Array.from(document.querySelectorAll('script')).filter((s) =>
        s.textContent.includes('__pwned'),
      ).length,
    }));
    assert(injected.pwned === undefined, `markup ran: ${injected.pwned}`);
    assert(injected.images === 0 && injected.bold === 0, 'markup became elements');
    assert(injected.scripts === 0, 'a completion became a script element');
    await page.screenshot({ path: join(out, 'panel-hostile.png') });
  });

  await check('the table jumps and scrolls through 101,200 pairs smoothly', async () => {
    await openFile('large.pool.jsonl');
    await until(
      'the large pool in the panel',
      async () => (await panel.locator('#table-status').innerText()) === '101,200 pairs',
      60000,
    );
    const jumps = [];
    for (const position of [50000, 101199, 12345]) {
      const started = Date.now();
      await panel.locator('#rows').evaluate((rows, p) => (rows.scrollTop = p * 24), position);
      await panel
        .locator('#rows .row .td.rank', { hasText: new RegExp(`^${position + 1}$`) })
        .first()
        .waitFor({ timeout: 5000 });
      jumps.push(Date.now() - started);
    }
    const frames = await panel.locator('#rows').evaluate(async (rows) => {
      const times = [];
      for (let i = 0; i < 60; i++) {
        const started = performance.now();
        rows.scrollTop += 480;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        times.push(performance.now() - started);
      }
      return { mean: times.reduce((a, b) => a + b) / times.length, max: Math.max(...times) };
    });
    const drawn = await panel.locator('#rows .row').count();
    console.log(
      `     jumps ${jumps.join(', ')} ms; scrolling: mean ${frames.mean.toFixed(1)} ms, ` +
        `max ${frames.max.toFixed(1)} ms per two frames; ${drawn} rows in the DOM`,
    );
    assert(drawn < 100, `${drawn} rows in the DOM`);
    assert(Math.max(...jumps) < 3000, `a jump took ${Math.max(...jumps)} ms`);
    assert(frames.mean < 60, `scrolling took ${frames.mean} ms per step`);
  });

  await check('"Open as Pool" turns a plain JSONL file into a pool', async () => {
    await openFile('plain.jsonl');
    await palette('Pair Curator: Open as Pool');
    await page.locator('.statusbar-item', { hasText: 'Preference Pool' }).waitFor();
    await page.locator('.codelens-decoration', { hasText: '3 completions' }).first().waitFor();
  });

  await check(
    '"Open as Pool" reads a gzip pool from disk and names its dataset shape',
    async () => {
      await openFile('generations.jsonl.gz');
      // The editor shows a placeholder for binary files; it takes the focus once drawn, which
      // would close a command palette opened before it.
      await page.locator('.monaco-button', { hasText: 'Open Anyway' }).waitFor({ timeout: 15000 });
      await page.waitForTimeout(500);
      await palette('Pair Curator: Open as Pool');
      const frame = await panelFrame();
      const reading = frame.locator('#summary .reading', { hasText: 'scored generations' });
      await reading.waitFor({ timeout: 60000 });
      const text = await reading.innerText();
      assert(/^jsonl \(gzip\), read as scored generations/.test(text), `reads "${text}"`);
      const summary = await frame.locator('#summary').innerText();
      assert(summary.includes(String(prompts.size)), `summary reads "${summary}"`);
      await page.screenshot({ path: join(out, 'gzip-pool.png') });
    },
  );

  await check('the editor shows the pool with its diagnostics', async () => {
    await openFile('arena.pool.jsonl');
    await page.locator('.codelens-decoration').first().waitFor();
    await page.screenshot({ path: join(out, 'editor.png') });
    const csp = consoleErrors.filter((e) => /Content Security Policy/i.test(e));
    assert(csp.length === 0, `CSP violations: ${csp.join(' | ')}`);
  });
  await check('the sentence encoder shipped in the VSIX features a pool, offline', async () => {
    // Only this small pool stays open, so that the encoder embeds its 12 texts and no others.
    await palette('View: Close All Editors');
    // As a curator would: the Settings editor, searched, the featurizer picked from its list.
    await palette('Preferences: Open User Settings');
    await page.locator('.settings-editor').waitFor({ timeout: 15000 });
    await page.waitForTimeout(500);
    await page.keyboard.type('pairCurator.featurizer');
    const select = page.locator('.setting-item-contents select').first();
    await select.waitFor({ timeout: 15000 });
    await select.selectOption('use');
    await palette('View: Close All Editors');
    await openFile('tiny.pool.jsonl');
    const frame = await panelFrame();
    const features = frame.locator('#summary .fact', { hasText: 'features' });
    await until(
      'features from the encoder',
      async () => /use · \d+/.test(await features.innerText().catch(() => '')),
      120000,
    );
    const rows = await frame.locator('#rows .row .td.score').allInnerTexts();
    assert(rows.length === 18, `${rows.length} pairs drawn`);
    assert(rows.map(Number).every(Number.isFinite), `scores ${rows.join(', ')}`);
    await page.screenshot({ path: join(out, 'panel-use.png') });
  });
} catch (error) {
  failed++;
  console.log(`FAIL setup\n     ${error?.stack ?? error}`);
} finally {
  await browser?.close().catch(() => undefined);
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  console.log(`${results.length} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}
