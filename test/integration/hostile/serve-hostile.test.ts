// The hostile-input suite, serve side: raw HTTP requests, raw WebSocket frames after a valid upgrade,
// and malformed messages, each followed by a normal call that must still be answered. The server runs
// as a child process; its peak memory (VmHWM) must stay under the 1.5 GB budget through all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage } from '../../../src-shared/api/wire';
import { expectServing, frame, message, peakRssBytes, rawExchange, sendFrames, startServeChild, statusOf, upgradeRequest, type ServeChild } from './harness';

const BUDGET_BYTES = 1.5e9;
let server: ServeChild;

beforeAll(async () => {
  server = await startServeChild();
});
afterAll(async () => {
  await server?.stop();
});

// Connection: close lets the server end each exchange at once instead of the test waiting for quiet
const get = (path: string, extra = '') => () => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n${extra}\r\n`;
// the token is only known once the server runs: requests carry a placeholder filled in when sent
const withToken = (path: string) => `${path}${path.includes('?') ? '&' : '?'}token={TOKEN}`;
const fill = (request: string | Buffer) => (typeof request === 'string' ? request.replaceAll('{TOKEN}', server.token) : request);

// [name, request, statuses the answer may have (null: the connection may just be closed)]
const httpCases: [string, () => string | Buffer, (number | null)[]][] = [
  ['upgrade-style URL //[ as a GET', get('//['), [400, 403]],
  ['//[ with the token', () => get(withToken('//['))(), [400, 404]],
  ['malformed % escape', () => get(withToken('/%E0%A4%A'))(), [400]],
  ['lone %', () => get(withToken('/%'))(), [400]],
  ['%zz', () => get(withToken('/%zz'))(), [400]],
  ['encoded NUL', () => get(withToken('/index%00.html'))(), [400]],
  ['encoded traversal', () => get(withToken('/..%2f..%2f..%2fetc%2fpasswd'))(), [404]],
  ['dot segments', () => get(withToken('/assets/../../../../etc/passwd'))(), [404]],
  ['backslash traversal', () => get(withToken('/..\\..\\etc\\passwd'))(), [400, 404]],
  ['absolute-form target', get('http://evil.example/'), [400]],
  ['asterisk target', get('*'), [400]],
  ['empty target', () => `GET  HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`, [400, null]],
  ['very long URL', () => get(`/${'a'.repeat(20_000)}`)(), [400, 414, 431, null]],
  ['huge header', get('/', `X-Big: ${'b'.repeat(70_000)}\r\n`), [431, 400, null]],
  ['many headers', get('/', 'X-A: 1\r\n'.repeat(3000)), [431, 400, 403, null]],
  ['unknown method', () => `FOO / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`, [400, 403, 405, null]],
  ['POST with a body', () => `POST ${withToken('/')} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 5\r\n\r\nhello`, [405]],
  ['negative content-length', () => `POST / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: -1\r\n\r\n`, [400, null]],
  ['garbage transfer-encoding', () => `POST / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nTransfer-Encoding: zzz\r\n\r\n`, [400, 403, 501, null]],
  ['bad chunk size', () => `POST / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`, [400, 403, null]],
  ['no Host header', () => `GET ${withToken('/')} HTTP/1.1\r\n\r\n`, [400, 403, null]],
  ['foreign Host (rebinding)', () => `GET ${withToken('/')} HTTP/1.1\r\nHost: evil.example\r\n\r\n`, [403]],
  ['foreign Origin', get(withToken('/'), 'Origin: http://evil.example\r\n'), [403]],
  ['HTTP/9.9', () => `GET / HTTP/9.9\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`, [400, 505, null]],
  ['binary garbage', () => Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]), [400, null]],
  ['NUL bytes in the request line', () => `GET /\0\0 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`, [400, null]],
  ['half a request', () => 'GET / HT', [null]],
  ['pipelined requests', () => `GET ${withToken('/')} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\nGET ${withToken('/%')} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`, [200]],
  ['HEAD', () => `HEAD ${withToken('/')} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`, [200]],
  ['wrong token', () => get('/?token=nope')(), [403]],
  ['token twice', () => get(`/?token=x&token=${server.token}`)(), [403, 200]],
  ['cookie garbage', get('/', 'Cookie: ;;;=;pleura_token;=\r\n'), [403]],
  ['upgrade //[', () => upgradeRequest(server, { path: '//[' }), [400, 403]],
  ['upgrade malformed %', () => upgradeRequest(server, { path: `/api%?token=${server.token}` }), [403, 400]],
  ['upgrade without token', () => upgradeRequest(server, { path: '/api' }), [403]],
  ['upgrade without Origin', () => upgradeRequest(server, { origin: null }), [403]],
  ['upgrade from a foreign Origin', () => upgradeRequest(server, { origin: 'http://evil.example' }), [403]],
  ['upgrade to another path', () => upgradeRequest(server, { path: `/other?token=${server.token}` }), [403]],
  ['upgrade with a bad key', () => upgradeRequest(server, { key: 'short' }), [400]],
  ['upgrade with version 8 (hybi-08, which ws accepts)', () => upgradeRequest(server, { version: '8' }), [101]],
  ['upgrade with version 99', () => upgradeRequest(server, { version: '99' }), [400, 426]],
  ['upgrade absolute-form', () => upgradeRequest(server, { path: `http://evil/api?token=${server.token}` }), [400]],
];

describe('hostile HTTP requests', () => {
  it.each(httpCases)('%s', async (_name, request, statuses) => {
    const answer = await rawExchange(server.port, fill(request()), 400);
    const status = statusOf(answer);
    expect(statuses, `answered ${answer.split('\r\n')[0] || '(nothing)'}`).toContain(status);
    expect(status).not.toBe(500);
    await expectServing(server);
  });
});

const big = (bytes: number) => Buffer.alloc(bytes, 7);
const closePayload = (code: number, reason = '') => {
  const payload = Buffer.alloc(2 + reason.length);
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
};

const frameCases: [string, () => Buffer[]][] = [
  ...[3, 4, 5, 6, 7, 11, 12, 13, 14, 15].map((op): [string, () => Buffer[]] => [`reserved opcode ${op}`, () => [frame(op, Buffer.from('x'))]]),
  ['unmasked frame', () => [frame(2, message({ id: 1, domain: 'system', method: 'info', args: [] }), { masked: false })]],
  ['RSV1 without an extension', () => [frame(2, Buffer.from('abc'), { rsv: 4 })]],
  ['RSV2', () => [frame(2, Buffer.from('abc'), { rsv: 2 })]],
  ['RSV3', () => [frame(2, Buffer.from('abc'), { rsv: 1 })]],
  ['close code 999', () => [frame(8, closePayload(999))]],
  ['close code 1004', () => [frame(8, closePayload(1004))]],
  ['close code 1005', () => [frame(8, closePayload(1005))]],
  ['close code 5000', () => [frame(8, closePayload(5000))]],
  ['close with a 1-byte payload', () => [frame(8, Buffer.from([3]))]],
  ['close with invalid UTF-8 reason', () => [frame(8, Buffer.concat([closePayload(1000), Buffer.from([0xff, 0xfe])]))]],
  ['64-bit length with the top bit set', () => [frame(2, Buffer.alloc(0), { declaredLength: 2n ** 63n + 5n })]],
  ['64-bit length of 2^40', () => [frame(2, Buffer.alloc(0), { declaredLength: 2n ** 40n })]],
  ['length past maxPayload', () => [frame(2, Buffer.alloc(0), { declaredLength: 2n ** 31n })]],
  ['ping longer than 125 bytes', () => [frame(9, big(200))]],
  ['fragmented ping', () => [frame(9, Buffer.from('a'), { fin: false })]],
  ['continuation without a start', () => [frame(0, Buffer.from('abc'))]],
  ['new message inside a fragmented one', () => [frame(2, Buffer.from('ab'), { fin: false }), frame(2, Buffer.from('cd'))]],
  ['text frame', () => [frame(1, Buffer.from('{"id":1}'))]],
  ['text frame of invalid UTF-8', () => [frame(1, Buffer.from([0xc3, 0x28]))]],
  ['data after close', () => [frame(8, closePayload(1000)), frame(2, Buffer.from('late'))]],
  ['garbage binary frame', () => [frame(2, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]))]],
  ['empty binary frame', () => [frame(2, Buffer.alloc(0))]],
  ['many fragments', () => Array.from({ length: 200 }, (_, i) => frame(i === 0 ? 2 : 0, Buffer.from('x'), { fin: i === 199 }))],
  ['pong flood', () => Array.from({ length: 200 }, () => frame(10, Buffer.from('p')))],
  ['header bytes only', () => [Buffer.from([0x82])]],
];

describe('hostile WebSocket frames after a valid upgrade', () => {
  it.each(frameCases)('%s', async (_name, frames) => {
    await sendFrames(server, frames(), 400);
    await expectServing(server);
  });
});

/** A message with a hand-written JSON header (and optional body), as raw message bytes. */
function rawMessage(header: string, body: Buffer = Buffer.alloc(0), declaredHeaderLength?: number): Buffer {
  const json = Buffer.from(header, 'utf8');
  const start = (4 + json.length + 7) & ~7;
  const out = Buffer.alloc(start + body.length);
  out.writeUInt32LE(declaredHeaderLength ?? json.length, 0);
  json.copy(out, 4);
  body.copy(out, start);
  return out;
}

const messageCases: [string, () => Buffer][] = [
  ['header null', () => rawMessage('null')],
  ['header an array', () => rawMessage('[1,2,3]')],
  ['header a number', () => rawMessage('42')],
  ['header a string', () => rawMessage('"x"')],
  ['header empty object', () => rawMessage('{}')],
  ['id a string', () => rawMessage('{"id":"1","domain":"system","method":"info","args":[]}')],
  ['id a fraction', () => rawMessage('{"id":1.5,"domain":"system","method":"info","args":[]}')],
  ['domain an object', () => rawMessage('{"id":1,"domain":{"toString":1},"method":"info","args":[]}')],
  ['domain a number', () => rawMessage('{"id":1,"domain":7,"method":"info","args":[]}')],
  ['method an object', () => rawMessage('{"id":1,"domain":"system","method":{},"args":[]}')],
  ['args missing', () => rawMessage('{"id":1,"domain":"system","method":"info"}')],
  ['args an object', () => rawMessage('{"id":1,"domain":"system","method":"info","args":{"length":1}}')],
  ['domain __proto__', () => rawMessage('{"id":1,"domain":"__proto__","method":"toString","args":[]}')],
  ['domain constructor', () => rawMessage('{"id":1,"domain":"constructor","method":"name","args":[]}')],
  ['method toString', () => rawMessage('{"id":1,"domain":"system","method":"toString","args":[]}')],
  ['method hasOwnProperty', () => rawMessage('{"id":1,"domain":"project","method":"hasOwnProperty","args":["x"]}')],
  ['invalid JSON', () => rawMessage('{"id":1,')],
  ['invalid UTF-8 in the header', () => Buffer.concat([rawMessage('{"id":1}'), Buffer.from([0xff])])],
  ['declared header longer than the message', () => rawMessage('{}', Buffer.alloc(0), 1000)],
  ['declared header of 4 GiB', () => rawMessage('{}', Buffer.alloc(0), 0xffffffff)],
  ['message shorter than its length field', () => Buffer.from([1, 0])],
  ['typed array of an unknown type', () => rawMessage('{"id":1,"domain":"system","method":"info","args":[{"$ta":["Evil",0,1]}]}', big(8))],
  ['typed array of type constructor', () => rawMessage('{"id":1,"domain":"system","method":"info","args":[{"$ta":["constructor",0,1]}]}', big(8))],
  ['typed array with a negative offset', () => rawMessage('{"id":1,"domain":"system","method":"info","args":[{"$ta":["Uint8Array",-8,4]}]}', big(8))],
  ['typed array past the body', () => rawMessage('{"id":1,"domain":"system","method":"info","args":[{"$ta":["Float64Array",0,1e9]}]}', big(8))],
  ['typed array with a fractional length', () => rawMessage('{"id":1,"domain":"system","method":"info","args":[{"$ta":["Uint16Array",0,1.5]}]}', big(8))],
  ['typed array entry not a list', () => rawMessage('{"id":1,"domain":"system","method":"info","args":[{"$ta":"Uint8Array"}]}')],
  // run-length arrays are for the server's answers only: a few bytes that claim a gigabyte are refused
  ['run-length array claiming 1 GiB', () => rawMessage('{"id":1,"domain":"system","method":"info","args":[{"$runs":[0,1,1073741824]}]}', Buffer.from([0, 0, 0, 64, 0, 0, 0, 0, 1]))],
  ['run-length array of a valid mask', () => rawMessage('{"id":1,"domain":"system","method":"info","args":[{"$runs":[0,1,65536]}]}', Buffer.from([0, 0, 1, 0, 0, 0, 0, 0, 0]))],
  ['deeply nested JSON', () => rawMessage(`{"id":1,"domain":"system","method":"info","args":[${'['.repeat(50_000)}${']'.repeat(50_000)}]}`)],
  ['importFiles with numbers for bytes', () => message({ id: 1, domain: 'project', method: 'importFiles', args: [[{ name: 'a.dcm', bytes: [1, 2, 3] }]] })],
  ['importFiles without a project', () => message({ id: 1, domain: 'project', method: 'importFiles', args: [[{ name: 'a.dcm', bytes: new Uint8Array(1024) }]] })],
  ['open with a 1 MB path', () => message({ id: 1, domain: 'project', method: 'open', args: ['/'.repeat(1_000_000)] })],
  ['open a path with NUL', () => message({ id: 1, domain: 'project', method: 'open', args: ['/tmp/\0x'] })],
  ['pixels of an unknown image', () => message({ id: 1, domain: 'images', method: 'pixels', args: ['nope', { frame: 1e300 }] })],
  ['id past 2^53', () => rawMessage('{"id":9007199254740993,"domain":"system","method":"info","args":[]}')],
];

describe('hostile messages', () => {
  it.each(messageCases)('%s', async (_name, bytes) => {
    await sendFrames(server, [frame(2, bytes())], 400);
    await expectServing(server);
  });

  it('refuses a header over the header limit and a message over maxPayload without growing past the budget', async () => {
    const header = `{"id":1,"domain":"system","method":"info","args":["${'h'.repeat(9 * 2 ** 20)}"]}`;
    await sendFrames(server, [frame(2, rawMessage(header))], 800);
    await expectServing(server);
    // the declared length is refused before any payload is buffered
    const { closed } = await sendFrames(server, [frame(2, Buffer.alloc(0), { declaredLength: 300n * 2n ** 20n })], 800);
    expect(closed).toBe(true);
    await expectServing(server);
  });

  it('keeps answering calls with malformed ids on the same connection', async () => {
    const { received } = await sendFrames(server, [frame(2, Buffer.from(encodeMessage({ id: 7, domain: 'system', method: 'nope', args: [] })))], 800);
    expect(received.length).toBeGreaterThan(0);
    await expectServing(server);
  });

  it('stayed under the memory budget', () => {
    const peak = peakRssBytes(server.child.pid!);
    if (process.env.PLEURA_PRINT_PEAKS) console.log(`serve peak ${Math.round(peak / 2 ** 20)} MiB`);
    expect(peak).toBeLessThan(BUDGET_BYTES);
  });
});
