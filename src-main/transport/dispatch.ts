import { validateArgs, serializeError, type Api, type Result } from '../../src-shared/api';

/**
 * Runs one contract call: validates the arguments with the method's schema, calls the handler and
 * turns every outcome into a Result. Shared by the IPC and the WebSocket transports.
 */
export async function dispatch(api: Api, domain: string, method: string, rawArgs: unknown): Promise<Result<unknown>> {
  const checked = validateArgs(domain, method, rawArgs);
  if (!checked.ok) return { ok: false, code: 'invalid-argument', reason: checked.reason };
  const handler = (api as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>)[domain][method];
  try {
    const value = await handler(...checked.args);
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    const serialized = serializeError(error);
    if (serialized.code === 'internal') console.error(`${domain}:${method} failed`, error);
    return { ok: false, ...serialized };
  }
}
