// Builds window.api mechanically from the contract's method list: one ipcRenderer.invoke per channel,
// no generic invoke, no raw ipcRenderer exposed.
import { contextBridge, ipcRenderer } from 'electron';
import { apiMethods, eventNames, type Domain } from '../../src-shared/api';

const api: Record<string, unknown> = {};
for (const domain of Object.keys(apiMethods) as Domain[]) {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of apiMethods[domain] as string[]) {
    const channel = `${domain}:${method}`;
    methods[method] = (...args: unknown[]) => ipcRenderer.invoke(channel, args);
  }
  api[domain] = methods;
}
api.on = (event: string, listener: (payload: unknown) => void) => {
  if (!(eventNames as readonly string[]).includes(event)) throw new Error(`unknown event ${event}`);
  const channel = `event:${event}`;
  const wrapped = (_e: unknown, payload: unknown) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.removeListener(channel, wrapped);
};

contextBridge.exposeInMainWorld('api', api);
