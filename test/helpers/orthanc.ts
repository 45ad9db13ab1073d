import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's packages put Orthanc and its DICOMweb plugin (.ci/run installs both). */
export const orthancBinary = process.env.ORTHANC_PATH ?? '/usr/sbin/Orthanc';
export const dicomWebPlugin = process.env.ORTHANC_DICOMWEB_PLUGIN ?? '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

/** True when Orthanc and its DICOMweb plugin are installed on this machine. */
export function orthancAvailable(): boolean {
  return existsSync(orthancBinary) && existsSync(dicomWebPlugin);
}

/** A running Orthanc: loopback only, its own temp storage, gone after stop(). */
export interface OrthancServer {
  /** http://127.0.0.1:PORT */
  httpUrl: string;
  /** The DICOMweb root: http://127.0.0.1:PORT/dicom-web */
  dicomWebUrl: string;
  httpPort: number;
  dicomPort: number;
  /** Basic-auth credentials when started with `users`. */
  auth?: { user: string; password: string };
  /** Calls Orthanc's REST API (with the credentials, if any). */
  rest(path: string, init?: RequestInit): Promise<Response>;
  /** Stores DICOM files through POST /instances; returns Orthanc's instance ids. */
  upload(files: Uint8Array[]): Promise<string[]>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released for Orthanc to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
// A test run that dies half way must not leave an Orthanc behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts Orthanc with the DICOMweb plugin on free loopback ports with a temporary storage folder and a
 * generated configuration (remote access off; basic auth on when `users` is given), waits until
 * /system answers, and returns a handle whose stop() kills it and removes the folder.
 */
export async function startOrthanc(options: { users?: Record<string, string> } = {}): Promise<OrthancServer> {
  // A port found free can be taken by someone else before Orthanc binds it: then Orthanc exits at once
  // and another pair of ports is tried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/exited/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnce(options: { users?: Record<string, string> }): Promise<OrthancServer> {
  const dir = await mkdtemp(join(tmpdir(), 'pleura-orthanc-'));
  const [httpPort, dicomPort] = [await freePort(), await freePort()];
  const auth = options.users ? Object.entries(options.users)[0] : undefined;
  const config = {
    Name: 'PLEURA_TEST',
    StorageDirectory: join(dir, 'storage'),
    IndexDirectory: join(dir, 'index'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: 'PLEURATEST',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: !!options.users,
    RegisteredUsers: options.users ?? {},
    HttpThreadsCount: 8,
    ConcurrentJobs: 1,
    StorageCompression: false,
    // Byte counts through the test proxies must not depend on gzip.
    HttpCompressionEnabled: false,
    Plugins: [dicomWebPlugin],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, StudiesMetadata: 'Full', SeriesMetadata: 'Full' },
  };
  const configPath = join(dir, 'orthanc.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const child = spawn(orthancBinary, [configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4000);
  });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const headers: Record<string, string> = auth ? { Authorization: `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString('base64')}` } : {};
  const rest = (path: string, init: RequestInit = {}) => fetch(`${httpUrl}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Orthanc exited with ${child.exitCode}: ${stderr}`);
      const answer = await rest('/system').catch(() => null);
      if (answer?.ok) break;
      if (Date.now() > deadline) throw new Error(`Orthanc did not answer /system in 60 s: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    httpUrl,
    dicomWebUrl: `${httpUrl}/dicom-web`,
    httpPort,
    dicomPort,
    ...(auth ? { auth: { user: auth[0], password: auth[1] } } : {}),
    rest,
    async upload(files) {
      const ids: string[] = [];
      for (const bytes of files) {
        const answer = await rest('/instances', { method: 'POST', body: bytes, headers: { 'Content-Type': 'application/dicom' } });
        if (!answer.ok) throw new Error(`Orthanc refused an instance: ${answer.status} ${await answer.text()}`);
        ids.push(((await answer.json()) as { ID: string }).ID);
      }
      return ids;
    },
    stop,
  };
}
