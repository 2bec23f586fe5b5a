import { writeFileSync } from 'node:fs';
// Regenerates the corpus files (node test/hostile/make-corpus.mjs); add a case here and to the test.
const dir = new URL('corpus', import.meta.url).pathname;
const ev = (i, extra = {}) => JSON.stringify({ id: `h${i}`, time: `2026-03-02T09:${String(i % 60).padStart(2, '0')}:00Z`, agentId: 'agent-ok', category: 'api_call', action: 'read', ...extra });
const lines = (name, list) => writeFileSync(`${dir}/${name}`, list.join('\n') + '\n');

// 1. Terminal escapes in fields that reach --print and the summary; every line is a valid event.
lines('terminal-escapes.jsonl', [
  ev(1, { agentId: 'bot\u001b]0;pwned\u0007', category: 'resource_access', resource: 'vault/a' }),
  ev(2, { agentId: 'bot\u001b[2K\rFORGED CRITICAL line', category: 'resource_access', resource: 'vault/b' }),
  ev(3, { agentId: 'bot\u202egnp.exe', category: 'resource_access', resource: 'vault/c' }),
  ev(4, { agentId: 'bot\nsecond line\u0085\u009b31m', category: 'resource_access', resource: 'vault/d\nwith a newline' }),
]);

// 2. Not JSON, or JSON that is no event.
lines('not-events.jsonl', ['{"id": "x",', 'garbage \u0000\u001b[31m', '[1,2,3]', '{}', 'null', '"just a string"', ev(5)]);

// 3. Numbers that overflow to Infinity.
lines('non-finite.jsonl', [ev(6, { attributes: { n: 1 } }).replace('"n":1', '"n":1e999'), ev(7, { source: { lat: 1 } }).replace('"lat":1', '"lat":-1e999'), ev(8, { attributes: { n: 1.5 } })]);

// 4. Under the limit in characters, over it in UTF-8 bytes (65,536 by default).
lines('oversized-utf8.jsonl', [ev(9, { pad: 'é'.repeat(40_000) }), ev(10)]);

// 5. Resources built to make a backtracking glob explode (the pattern is in baselines/).
lines('glob-bomb.jsonl', Array.from({ length: 50 }, (_, i) => ev(100 + i, { agentId: `glob-${i % 5}`, category: 'resource_access', resource: 'a'.repeat(1990 + i) })));

// 6. Kubernetes audit stages: a control sequence and two hundred made-up ones, one skip reason.
const k8s = (id, stage) => JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage, verb: 'get', user: { username: 'system:serviceaccount:a:b' }, requestReceivedTimestamp: '2026-03-02T09:00:00Z' });
lines('k8s-stages.jsonl', [k8s('s0', '\u001b]0;pwned\u0007'), ...Array.from({ length: 200 }, (_, i) => k8s(`s${i + 1}`, `Stage${i}`))]);

// 7. Table lookups by names that Object.prototype has.
lines('prototype-names.jsonl', [
  JSON.stringify({ category: 'constructor', time: '2026-03-02T09:00:00Z', operationName: 'x' }),
  JSON.stringify({ Type: '__proto__', TimeGenerated: '2026-03-02T09:00:00Z' }),
  ev(11, { category: 'toString' }),
]);
