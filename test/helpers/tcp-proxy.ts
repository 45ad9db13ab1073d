import { connect, createServer, type Socket } from 'node:net';

/** A loopback TCP proxy that misbehaves on purpose, to test what a PACS client does with bad networks. */
export interface FaultyProxy {
  url: string;
  port: number;
  /** True once the proxy has cut the connections. */
  readonly cut: boolean;
  stop(): Promise<void>;
}

/**
 * Forwards to 127.0.0.1:`targetPort`. With `cutAfterBytes`, once that many response bytes went through
 * it destroys every connection in the middle of the answer and stops listening (the server "goes
 * away" half way through a retrieve). With `stall`, it accepts connections and never answers.
 */
export async function startFaultyProxy(targetPort: number, options: { cutAfterBytes?: number; stall?: boolean; path?: string }): Promise<FaultyProxy> {
  const sockets = new Set<Socket>();
  let forwarded = 0;
  let cut = false;
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (options.stall) return;
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('data', (chunk) => upstream.write(chunk));
    client.on('end', () => upstream.end());
    upstream.on('data', (chunk: Buffer) => {
      if (cut) return;
      const limit = options.cutAfterBytes ?? Infinity;
      if (forwarded + chunk.length > limit) {
        client.write(chunk.subarray(0, Math.max(0, limit - forwarded)));
        forwarded = limit;
        cut = true;
        server.close();
        for (const socket of sockets) socket.destroy();
        return;
      }
      forwarded += chunk.length;
      client.write(chunk);
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${options.path ?? ''}`,
    port,
    get cut() {
      return cut;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}
