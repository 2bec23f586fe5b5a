// The same-run baseline of issue 16, item 1: what a plain Node process costs to read a JSONL file
// with `readline` and `JSON.parse` every line, nothing else. Plain JavaScript, no loader, so the
// baseline pays only Node's own start.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

let events = 0;
let sink = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) {
  if (line.length === 0) continue;
  sink += JSON.parse(line).id.length;
  events++;
}
process.stdout.write(`${events} ${sink}\n`);
