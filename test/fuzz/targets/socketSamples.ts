// The hostile inputs the socket target sends besides mutated requests: event
// names no handler has, malformed or hostile socket.io frames, and forged
// handshake credentials.

/** Event names no request has (prototype keys and notifications' names among them). */
export const UNKNOWN_EVENTS = [
  'hello',
  'admin',
  'joinRoom',
  'JOIN',
  'join ',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '',
  'notifications',
  'peerJoined',
  'serverDraining',
  'veche:pause',
];

/** Malformed or hostile frames, each sent on a fresh connection. */
export const FRAMES: (string | { base64: string })[] = [
  '',
  'x',
  '2',
  '2[',
  '21["join",{}',
  '2[1,2,3]',
  '21[1,{}]',
  '21[null,{}]',
  '21[{},{}]',
  '2{"a":1}',
  '0',
  '1',
  '3',
  '31[{}]',
  '4"oops"',
  '6',
  '9',
  '2/admin,["join",{}]',
  '2/,1["leave",{}]',
  '51-1["join",{"_placeholder":true,"num":0}]',
  '51-1["join",{"_placeholder":true,"num":7}]',
  '51-1["join",{"_placeholder":"yes","num":"0"}]',
  '5999999999-1["join",{}]',
  `2${'9'.repeat(400)}["leave",{}]`,
  '2-1["leave",{}]',
  '21["__proto__",{}]',
  '21["constructor",{"prototype":{"polluted":1}}]',
  '21["join",{"__proto__":{"room":"x","displayName":"y","protocolVersion":"2.5"}}]',
  '21["join",{"room":"\\ud800","displayName":"\\u202e","protocolVersion":"2.5"}]',
  '21["sendChat",{"text":"\\u0000"}]',
  `21["leave",${'['.repeat(100_000)}${']'.repeat(100_000)}]`,
  `21["join",${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}]`,
  { base64: Buffer.from([0, 1, 2, 3, 255]).toString('base64') },
];

/** Handshake auth objects around a valid staff token: forged, malformed, or mixed with it. */
export const AUTH_SAMPLES = (valid: string): unknown[] => [
  {},
  { token: '' },
  { token: 123 },
  { token: null },
  { token: [valid] },
  { token: { value: valid } },
  { token: 'x'.repeat(9000) },
  { token: 'a.b.c' },
  { token: `${valid}\u0000` },
  { token: `${valid.slice(0, -2)}xx` },
  // alg none with the same claims: must not be taken as signed.
  {
    token: `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${valid.split('.')[1]}.`,
  },
  { invite: 'garbage' },
  { invite: 'x'.repeat(5000) },
  { invite: '\ud800' },
  { token: valid, invite: 'garbage' },
  JSON.parse('{"__proto__":{"token":"x","kind":"staff","role":"admin"}}'),
  { constructor: { prototype: { role: 'admin' } } },
  'token',
  ['token'],
  42,
];
