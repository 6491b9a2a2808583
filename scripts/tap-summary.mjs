#!/usr/bin/env node
// Turns tap's closing line `# { total: N, pass: P, fail: F, skip: S }` into
// `tap: P passed, F failed[, S skipped]`, a line CI recognises.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2] ?? '.tap-output.txt', 'utf8');
const lines = text.split('\n').filter((l) => /^# \{ total: \d+/.test(l));
const last = lines.at(-1);
const num = (key) => Number(last?.match(new RegExp(`${key}: (\\d+)`))?.[1] ?? 0);
const skipped = num('skip') + num('todo');
console.log(`tap: ${num('pass')} passed, ${num('fail')} failed${skipped ? `, ${skipped} skipped` : ''}`);
