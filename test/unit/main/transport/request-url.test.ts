import { describe, expect, it } from 'vitest';
import { decodePathname, parseRequestTarget } from '../../../../src-main/transport/request-url';
import { ByteBudget } from '../../../../src-main/transport/byte-budget';
import { checkRequest } from '../../../../src-main/transport/ws-api';

const origin = 'http://127.0.0.1:4000';

describe('request targets', () => {
  it('keeps the authority of the server whatever the target says', () => {
    expect(parseRequestTarget('//[', origin)?.pathname).toBe('//[');
    expect(parseRequestTarget('//evil.example/api', origin)?.host).toBe('127.0.0.1:4000');
    expect(parseRequestTarget('/api?token=a', origin)?.searchParams.get('token')).toBe('a');
  });

  it('refuses targets that are not origin-form', () => {
    for (const target of ['http://evil/', '*', '', 'api', undefined, `/${'a'.repeat(9000)}`]) expect(parseRequestTarget(target, origin)).toBeNull();
  });

  it('decodes % escapes and refuses malformed ones and NUL', () => {
    expect(decodePathname('/a%20b')).toBe('/a b');
    for (const path of ['/%', '/%zz', '/%E0%A4%A', '/a%00b']) expect(decodePathname(path)).toBeNull();
  });
});

describe('request shape', () => {
  it('refuses headers without a safe integer id', () => {
    for (const value of [null, [], 1, 'x', {}, { id: '1' }, { id: 1.5 }, { id: 2 ** 60 }]) expect(checkRequest(value)).toBeNull();
  });

  it('answers an error for a bad domain, method or args when the id is usable', () => {
    expect(checkRequest({ id: 1, domain: {}, method: 'info', args: [] })).toEqual({ id: 1, reason: expect.any(String) });
    expect(checkRequest({ id: 1, domain: 'system', method: 'info' })).toEqual({ id: 1, reason: expect.any(String) });
    expect(checkRequest({ id: 1, domain: 'system', method: 'info', args: [] })).toEqual({ id: 1, domain: 'system', method: 'info', args: [] });
  });
});

describe('byte budget', () => {
  it('refuses what would pass the ceiling and takes nothing then', () => {
    const budget = new ByteBudget(10);
    expect(budget.tryTake(6)).toBe(true);
    expect(budget.tryTake(5)).toBe(false);
    expect(budget.usedBytes).toBe(6);
    budget.release(6);
    expect(budget.tryTake(10)).toBe(true);
  });
});
