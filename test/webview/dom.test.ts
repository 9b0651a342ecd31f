import assert from 'node:assert/strict';
import { test } from 'node:test';
import { showControls } from '../../src/webview/dom';

test('bidirectional controls in completion texts are shown, not applied', () => {
  assert.equal(showControls('evil \u202Etpmorp\u202C end'), 'evil [U+202E]tpmorp[U+202C] end');
  assert.equal(showControls('a\u2066b\u2069c\u200f'), 'a[U+2066]b[U+2069]c[U+200F]');
  const ordinary = 'Plain text, עברית, العربية, emoji 🙂 and <b>markup</b>';
  assert.equal(showControls(ordinary), ordinary);
});
