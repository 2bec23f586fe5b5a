import { createServer } from 'node:net';

function listenable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/**
 * A port the OS says is free, whose companion `port + offset` (the KRaft controller's, as
 * scripts/kafka/kafka.sh derives it) is free too. A fixed port made two fault suites on one
 * machine (a developer's run beside CI) kill each other's broker (issue 17). Drawn below Linux's
 * ephemeral range (32768–60999): while a scenario holds the broker down, no outgoing connection
 * can take its port.
 */
export async function freePortPair(offset = 100): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * (32_000 - 20_000 - offset));
    if ((await listenable(candidate)) !== undefined && (await listenable(candidate + offset)) !== undefined) return candidate;
  }
  throw new Error(`no free pair of ports (p, p + ${offset}) found on 127.0.0.1 after 50 attempts`);
}
