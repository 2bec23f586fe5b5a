import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.js';
import { prettyLogLine } from '../../src/telemetry/pretty-log.js';

function capture(format: 'json' | 'pretty') {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d) => (out += String(d)));
  const logger = createLogger({ level: 'debug', format, stream });
  return { logger, out: () => out };
}

const secret = 's3cr3t-that-must-not-leak-0123';

describe('logger', () => {
  it('writes JSON lines with levels, secrets redacted wherever they sit', () => {
    const { logger, out } = capture('json');
    logger.info(
      { config: { kafka: { sasl: { mechanism: 'plain', username: 'u', password: secret } }, telemetry: { host: '0.0.0.0', bearerToken: secret } } },
      'starting',
    );
    logger.warn({ headers: { authorization: `Bearer ${secret}` }, token: secret }, 'odd request');
    logger.debug('details');
    const lines = out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l['level'], l['msg']])).toEqual([
      [30, 'starting'],
      [40, 'odd request'],
      [20, 'details'],
    ]);
    expect(out()).not.toContain(secret);
    expect((lines[0] as { config: { telemetry: { bearerToken: string; host: string } } }).config.telemetry).toEqual({
      host: '0.0.0.0',
      bearerToken: '[redacted]',
    });
  });

  it('writes one readable line per entry for a terminal, redacted too', () => {
    const { logger, out } = capture('pretty');
    logger.info({ partitions: [0, 1], restoring: [0] }, 'partitions assigned');
    logger.error({ telemetry: { bearerToken: secret }, error: 'broker down' }, 'consumer crashed');
    const lines = out().split('\n');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}partitions assigned partitions=\[0,1\] restoring=\[0\]$/);
    expect(lines[1]).toMatch(/ ERROR consumer crashed telemetry=\{"bearerToken":"\[redacted\]"\} error="broker down"$/);
    expect(out()).not.toContain(secret);
  });

  it('passes lines that are not JSON through, and colours levels when asked', () => {
    expect(prettyLogLine('plain text')).toBe('plain text\n');
    expect(prettyLogLine(JSON.stringify({ level: 40, time: 0, msg: 'careful' }), true)).toContain('\x1b[33mWARN ');
  });
});
