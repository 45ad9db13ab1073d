import { describe, expect, it } from 'vitest';
import { PleuraError, serializeError, unwrap, ok, fail } from '../../../src-shared/api/result';
import { validateArgs, apiMethods, allChannels } from '../../../src-shared/api';

describe('results and errors', () => {
  it('keeps the code and reason of expected failures', () => {
    expect(serializeError(new PleuraError('corrupt', 'The file is truncated'))).toEqual({ code: 'corrupt', reason: 'The file is truncated' });
  });
  it('reports anything else as internal', () => {
    expect(serializeError(new TypeError('x is undefined')).code).toBe('internal');
  });
  it('unwrap throws a PleuraError for failures', () => {
    expect(unwrap(ok(3))).toBe(3);
    expect(() => unwrap(fail('not-found', 'No such image'))).toThrow('No such image');
  });
});

describe('contract', () => {
  it('derives one channel per method', () => {
    const channels = allChannels().map((c) => c.channel);
    expect(channels).toContain('system:info');
    expect(new Set(channels).size).toBe(channels.length);
    expect(apiMethods.masks).toEqual(['revisions', 'load', 'save']);
  });
  it('validates arguments with the schemas', () => {
    expect(validateArgs('images', 'meta', ['abc'])).toEqual({ ok: true, args: ['abc'] });
    expect(validateArgs('images', 'meta', [42]).ok).toBe(false);
    expect(validateArgs('images', 'nope', []).ok).toBe(false);
    expect(validateArgs('__proto__', 'toString', []).ok).toBe(false);
    const mask = { widthPx: 2, heightPx: 2, data: new Uint8Array(3) };
    expect(validateArgs('masks', 'save', ['id', mask, {}]).ok).toBe(false);
  });
});
