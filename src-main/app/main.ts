// The Electron shell: one window, locked down, serving the contract over IPC. Everything else lives in
// services that run the same way in serve mode and the CLI.
import { app, BrowserWindow, dialog, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron';
import { FOLDER_DIALOG_KEY } from '../../src-shared/api/system';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allChannels } from '../../src-shared/api';
import { createAppContext } from '../services/create-context';
import { createHandlers } from '../transport/handlers';
import { PACS_CONNECTIONS_KEY } from '../services/pacs/handlers';
import { PacsConnectionStore } from '../services/pacs/connections';
import { safeStorageCodec } from './pacs-secrets';
import { getSession } from '../services/project/session';
import { dispatch } from '../transport/dispatch';
import { buildMenu } from './menu';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererIndex = join(here, '../renderer/index.html');

function isOwnContent(url: string): boolean {
  if (rendererUrl) return url.startsWith(rendererUrl);
  return url.startsWith(pathToFileURL(rendererIndex).href);
}

function checkSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!frame && frame === event.sender.mainFrame && isOwnContent(frame.url);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Pleura',
    backgroundColor: '#111111',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isOwnContent(url)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (rendererUrl) void window.loadURL(rendererUrl);
  else void window.loadFile(rendererIndex);
  return window;
}

async function main(): Promise<void> {
  await app.whenReady();
  // No remote content: refuse every request that is not our own files (or the dev server).
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    const allowed = details.url.startsWith('file://') || details.url.startsWith('devtools://') || (rendererUrl && details.url.startsWith(rendererUrl)) || details.url.startsWith('ws://localhost');
    callback({ cancel: !allowed });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const ctx = createAppContext({ transport: 'electron', dataDir: join(app.getPath('userData'), 'data') });
  ctx.services.set(PACS_CONNECTIONS_KEY, new PacsConnectionStore(join(app.getPath('userData'), 'pacs.json'), safeStorageCodec()));
  const api = createHandlers(ctx);
  for (const { domain, method, channel } of allChannels()) {
    ipcMain.handle(channel, async (event, args: unknown) => {
      if (!checkSender(event)) return { ok: false, code: 'forbidden', reason: 'Request from an unexpected frame was refused.' };
      return dispatch(api, domain, method, args);
    });
  }
  const window = createWindow();
  // The desktop's own folder dialog (system.chooseFolder); serve mode has none and asks for a path.
  ctx.services.set(FOLDER_DIALOG_KEY, async (title?: string) => {
    const picked = await dialog.showOpenDialog(window, { title, properties: ['openDirectory', 'createDirectory'] });
    return picked.canceled ? null : (picked.filePaths[0] ?? null);
  });
  ctx.events.onAny((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(`event:${event}`, payload);
  });
  buildMenu(window);
  app.on('window-all-closed', () => app.quit());
  // Quitting (also on SIGINT/SIGTERM) closes the project first: snapshot written, lock released.
  let closedProject = false;
  app.on('will-quit', (event) => {
    if (closedProject || !getSession(ctx).current()) return;
    event.preventDefault();
    closedProject = true;
    void getSession(ctx).close().catch(() => undefined).finally(() => app.quit());
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
}

void main();
