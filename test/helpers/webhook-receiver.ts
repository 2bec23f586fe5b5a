// A loopback webhook receiver for tests (node:http): records every request with its raw body,
// answers what the test decides, and can go down (port closed) and come back on the same port.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Wall clock when it arrived. */
  at: number;
}

export interface Answer {
  status: number;
  /** Answer only after this long (a slow or hung receiver). */
  delayMs?: number;
  headers?: Record<string, string>;
  body?: string;
}

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Decides the answer to each request (default 204). */
  answer: (req: ReceivedRequest, index: number) => Answer = () => ({ status: 204 });
  private server: Server | undefined;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/agentwatch`;
  }

  /** Listens (again) on its port; the first time on a free one. */
  async up(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        this.requests.push(received);
        const a = this.answer(received, this.requests.length - 1);
        const reply = () => res.writeHead(a.status, a.headers).end(a.body ?? '');
        if (a.delayMs) setTimeout(reply, a.delayMs);
        else reply();
      });
    });
    // Closed connections at once: a receiver that goes down must look down to the sender.
    server.keepAliveTimeout = 1;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    return this;
  }

  /** Closes the port: connections are refused until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `n` requests have arrived (or rejects after `timeoutMs`). */
  async waitFor(n: number, timeoutMs = 30_000): Promise<ReceivedRequest[]> {
    const until = Date.now() + timeoutMs;
    while (this.requests.length < n) {
      if (Date.now() > until) throw new Error(`waited ${timeoutMs} ms for ${n} webhook requests, got ${this.requests.length}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.requests;
  }
}
