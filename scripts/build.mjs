// Bundles the four entry points with esbuild: the CLI, the extension (client), the language
// server and the side panel's script, and copies the codicon font for the panel. Names on the
// command line (cli, client, server, webview) build only those entries.
import { copyFileSync, mkdirSync } from 'node:fs';
import { build, context } from 'esbuild';

const args = process.argv.slice(2);
const watch = args.includes('--watch');
const production = args.includes('--production');
const only = args.filter((a) => !a.startsWith('--'));

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info' };
// The sentence encoder's packages stay in node_modules: they load their weights and WebAssembly
// files from beside their own code, and are required only when the use featurizer runs.
const external = ['vscode', '@energetic-ai/*'];
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external };
const browser = { ...common, platform: 'browser', format: 'iife', target: 'es2022' };

const entries = {
  cli: {
    ...node,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  client: { ...node, entryPoints: ['src/client/extension.ts'], outfile: 'dist/client.js' },
  server: { ...node, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  webview: { ...browser, entryPoints: ['src/webview/panel.ts'], outfile: 'dist/webview.js' },
};

const chosen = only.length > 0 ? only : Object.keys(entries);
for (const name of chosen) {
  if (!entries[name])
    throw new Error(`Unknown entry ${name}: use ${Object.keys(entries).join(', ')}`);
}

mkdirSync('dist/codicons', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) {
  copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/codicons/${file}`);
}

if (watch) {
  for (const name of chosen) await (await context(entries[name])).watch();
} else {
  await Promise.all(chosen.map((name) => build(entries[name])));
}
