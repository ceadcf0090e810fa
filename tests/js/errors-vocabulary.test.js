// One error vocabulary across the seam: the core's Error codes (src/core/status.hpp), their names as Embind binds them
// (src/bindings/bindings.cc) and the messages of the ES module (src/js/errors.js) are the same list of names; and no
// message text is written twice in src/js.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { PROBLEMS } from '../../src/js/errors.js';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

function coreCodes() {
  const body = read('src/core/status.hpp').match(/enum class Error[^{]*\{([^}]*)\}/)[1];
  return [...body.matchAll(/^\s*(\w+)\s*=\s*(\d+)/gm)].map(([, name, code]) => ({ name, code: Number(code) }));
}

function boundCodes() {
  const bindings = read('src/bindings/bindings.cc');
  const block = bindings.match(/enum_<Error>\("Error"\)([^;]*);/)[1];
  return [...block.matchAll(/\.value\("(\w+)",\s*Error::(\w+)\)/g)].map(([, js, cpp]) => ({ js, cpp }));
}

test('status.hpp numbers its codes 0, 1, 2, ... without gaps or repeats', () => {
  const codes = coreCodes();
  assert.ok(codes.length > 20, `found only ${codes.length} codes in status.hpp`);
  assert.deepEqual(codes.map((c) => c.code), codes.map((_, i) => i));
  assert.equal(codes[0].name, 'none');
});

test('bindings.cc binds every code of status.hpp, each under its own name', () => {
  const bound = boundCodes();
  for (const { js, cpp } of bound) assert.equal(js, cpp, `Error::${cpp} is bound as "${js}"`);
  assert.deepEqual(bound.map((b) => b.cpp).sort(), coreCodes().map((c) => c.name).sort());
});

test('errors.js has a message for every code but none, and for nothing else', () => {
  const names = coreCodes().map((c) => c.name).filter((n) => n !== 'none');
  assert.deepEqual(Object.keys(PROBLEMS).sort(), names.sort());
  assert.ok(Object.isFrozen(PROBLEMS));
  const detail = { rows: 2, classes: 3, row: 1, index: 2, value: 7, temperature: 1, ignoreIndex: -100 };
  for (const [name, problem] of Object.entries(PROBLEMS)) {
    const [what, text] = problem(detail);
    assert.ok(what && text && !/undefined/.test(`${what} ${text}`), `${name}: "${what} ${text}"`);
  }
});

test('no message text is written twice in src/js', () => {
  const seen = new Map();
  const dir = new URL('../../src/js/', import.meta.url);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    // String and template literals of a few words: the texts of messages.
    for (const match of source.matchAll(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g)) {
      const text = match[0].slice(1, -1);
      if (text.length < 16 || !/ \w+ \w/.test(text)) continue;
      const where = `${file}:${source.slice(0, match.index).split('\n').length}`;
      assert.ok(!seen.has(text), `${JSON.stringify(text)} is written twice: ${seen.get(text)} and ${where}`);
      seen.set(text, where);
    }
  }
});
