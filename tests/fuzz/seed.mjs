#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from the project's
// fixtures and test vectors, so that each fuzzer starts from real inputs instead of from nothing.
// Files are named by the SHA-1 of their content, as libFuzzer names what it adds; running this
// again adds back the seeds that `node scripts/fuzz.mjs --minimize` dropped as redundant: minimise
// after it. Inputs that found bugs (regress-*) live in the same folders and are always kept.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const fixtures = join(root, 'tests/fixtures');

function put(target, content) {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  const dir = join(here, 'corpus', target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, createHash('sha1').update(bytes).digest('hex')), bytes);
}

// FuzzedDataProvider reads strings from the front, each ended by a backslash and another byte,
// and integers from the back (the last byte first).
const fdpStrings = (parts) => parts.map((p) => p.replaceAll('\\', '\\\\')).join('\\ ');
const bigEndianTail = (value, bytes) => {
  const out = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) out[i] = Number((BigInt(value) >> BigInt(8 * i)) & 0xffn); // last byte = most significant
  return out;
};

// --- protocol frames: the codec fixtures and every frame the scenarios exchange ---------------
const frames = [];
const valid = JSON.parse(readFileSync(join(fixtures, 'protocol/valid.json'), 'utf8'));
const invalid = JSON.parse(readFileSync(join(fixtures, 'protocol/invalid.json'), 'utf8'));
for (const c of [...valid.frames, ...invalid.cases])
  if (typeof c.text === 'string' && c.text.length < 8192) frames.push(c.text);
for (const file of readdirSync(join(fixtures, 'scenarios'))) {
  const scenario = JSON.parse(readFileSync(join(fixtures, 'scenarios', file), 'utf8'));
  for (const step of scenario.steps || []) {
    const frame = step.server || step.frame;
    if (frame && typeof frame === 'object') frames.push(JSON.stringify({ v: 1, id: 7, ...frame }));
  }
}
const unique = [...new Set(frames)];
for (const f of unique) {
  put('protocol', f);
  put('protocol_lite', f);
  put('json', f);
}

// --- JSON edge cases the two parsers must agree on -------------------------------------------
for (const t of [
  '0',
  '-0',
  '1e400',
  '-1e-400',
  '18446744073709551615',
  '18446744073709551616',
  '-9223372036854775809',
  '1.7976931348623157e308',
  '5e-324',
  '0.1',
  '123456789012345678901234567890',
  '"\\ud83d\\ude00"',
  '"\\ud800"',
  '"\\u0000"',
  '"\xc3\xa9"',
  '[1,2,[3,[4,[5]]]]',
  '{"a":1,"a":2}',
  '{"b":1,"a":[true,false,null]}',
  ' [ ] ',
  '{}',
  '"\\/\\b\\f\\n\\r\\t"',
  '[1.0,1.5e2,-2E-3]',
  '['.repeat(130) + ']'.repeat(130),
])
  put('json', t);

// --- chat request data ------------------------------------------------------------------------
for (const d of [
  { text: 'hello', clientMsgId: 'c-1', sessionId: 's-1' },
  { text: '  ' },
  { text: '\u3000\u00a0' },
  { text: '😀'.repeat(50), clientMsgId: 'x' },
  { afterSeq: 3, limit: 100, sessionId: 's-1' },
  { afterSeq: 9007199254740991, limit: 1 },
  { serviceNumber: '4001234567', nickname: 'Bob', userId: 'v-1' },
  { sessionId: 's-1', resumeToken: 'r' },
  {},
])
  put('chat', JSON.stringify(d));

// --- TC3: the documentation's vector and the Node client's ------------------------------------
const tc3Header =
  'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
  'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168';
for (const [header, host] of [
  [tc3Header, 'cvm.tencentcloudapi.com'],
  [tc3Header.replace('cvm/', '127/').replace('2019-02-25', '2024-11-23'), '127.0.0.1:8080'],
]) {
  const strings = fdpStrings([
    header,
    'POST',
    '/',
    '',
    '{"Limit": 1, "Offset": 0}',
    'AKIDEXAMPLE',
    'ccc',
    'content-type',
    'application/json; charset=utf-8',
    'host',
    host,
  ]);
  put('tc3', Buffer.concat([Buffer.from(strings), bigEndianTail(1551113065, 5), bigEndianTail(1551113065, 8)]));
}

// --- cloud API bodies, one per action (the last byte picks the action in sorted order; the
// harness puts the demo tenant's SdkAppId where a body says APP) ------------------------------
const cloudBodies = {
  BindStaffSkillGroupList: { SdkAppId: 'APP', StaffEmail: 'agent1@tccc.local', SkillGroupList: [1, 2] },
  CreateCCCSkillGroup: { SdkAppId: 'APP', SkillGroupName: 'Sales', SkillGroupType: 0, MaxConcurrency: 1 },
  CreateSDKLoginToken: { SdkAppId: 'APP', SeatUserId: 'agent1@tccc.local', OnlyOnce: true },
  CreateStaff: {
    SdkAppId: 'APP',
    Staffs: [{ Name: 'N', Mail: 'n@x.y', Phone: '13800000000', Nick: 'n', SkillGroupList: [1] }],
  },
  DeleteStaff: { SdkAppId: 'APP', StaffList: ['n@x.y'] },
  DescribeChatMessages: { SdkAppId: 'APP', SessionId: 's-1', Order: 1, Offset: 0, Limit: 100 },
  DescribeIMCdrs: {
    SdkAppId: 'APP',
    StartTimestamp: 1732400000,
    EndTimestamp: 1732406400,
    Offset: 0,
    Limit: 10,
    Type: 1,
  },
  DescribeNumbers: { SdkAppId: 'APP', PageNumber: 0, PageSize: 10 },
  DescribeSkillGroupInfoList: { SdkAppId: 'APP', PageSize: 10, PageNumber: 0, SkillGroupId: 1 },
  DescribeStaffInfoList: {
    SdkAppId: 'APP',
    PageSize: 10,
    PageNumber: 0,
    StaffMail: 'agent1@tccc.local',
    ModifiedTime: 0,
  },
  DescribeStaffStatusMetrics: { SdkAppId: 'APP', StaffList: ['agent1@tccc.local'], GroupIdList: [1] },
  DescribeTelCdr: {
    SdkAppId: 'APP',
    StartTimeStamp: 1732400000,
    EndTimeStamp: 1732406400,
    Limit: 10,
    Offset: 0,
    Phones: ['1'],
  },
  DescribeTelRecordAsr: { SdkAppId: 'APP', SessionId: 's-1' },
  DescribeTelSession: { SdkAppId: 'APP', SessionId: 's-1' },
  HangUpCall: { SdkAppId: 'APP', SessionId: 's-1' },
  ModifyStaff: { SdkAppId: 'APP', Email: 'agent1@tccc.local', Name: 'A', SkillGroupIds: [1], StaffNo: '7' },
  UnbindStaffSkillGroupList: { SdkAppId: 'APP', StaffEmail: 'agent1@tccc.local', SkillGroupList: [2] },
};
Object.keys(cloudBodies)
  .sort()
  .forEach((action, i) => {
    const body = JSON.stringify(cloudBodies[action]).replaceAll('"APP"', 'APP');
    put('cloud', Buffer.concat([Buffer.from(body), Buffer.from([i])]));
  });

// --- HTTP requests the server receives ---------------------------------------------------------
const login = Buffer.from(JSON.stringify({ sdkAppId: 1400000001, userId: 'a@b.c', token: 't' })).toString('base64url');
for (const r of [
  'GET /ws/agent?token=abc%20d+e&x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: tccc.v1, tccc.login.${login}\r\n\r\n`,
  `POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\nX-TC-Action: DescribeStaffInfoList\r\nAuthorization: ${tc3Header}\r\n` +
    'Content-Length: 71\r\n\r\n{"SdkAppId":1400000001,"PageNumber":0,"PageSize":10,"StaffMail":"a@b"}',
  'POST /sim/inbound HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '1d\r\n{"caller":"13800000000","ser\r\n1b\r\nviceNumber":"4001234567"}   \r\n0\r\n\r\n',
  'GET /recordings/1.ogg?expires=1732400000&sig=00ff HTTP/1.0\r\n\r\n',
  'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 88\r\n\r\n{"Staffs":[{"Mail":"a@b","StaffName":"n","SkillGroupList":[1,2]}],"UserIds":["x","y"],"N":null}',
])
  put('http', r);

// --- WebSocket frames a browser sends (masked) --------------------------------------------------
const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
function wsFrame(opcode, payload, fin = true) {
  const p = Buffer.from(payload);
  const head = [(fin ? 0x80 : 0) | opcode];
  if (p.length < 126) head.push(0x80 | p.length);
  else head.push(0x80 | 126, p.length >> 8, p.length & 0xff);
  return Buffer.concat([Buffer.from(head), mask, Buffer.from(p.map((b, i) => b ^ mask[i % 4]))]);
}
put('websocket', Buffer.concat(unique.slice(0, 3).map((f) => wsFrame(1, f))));
put('websocket', Buffer.concat([wsFrame(9, 'ping'), wsFrame(1, unique[0] || '{}')]));
put('websocket', Buffer.concat([wsFrame(1, '{"v":1,"ty', false), wsFrame(0, 'pe":"ping","t":5}')]));
put('websocket', Buffer.concat([wsFrame(2, [0x80, 0x6f, 0, 1]), wsFrame(8, [0x03, 0xe8, 0x62, 0x79, 0x65])]));

// --- STUN: the RFC 5769 vectors, read from the C++ test -----------------------------------------
const stunTest = readFileSync(join(root, 'tests/native/rtc/StunMessageTest.cpp'), 'utf8');
for (const m of stunTest.matchAll(/const Bytes k\w+ = \{([^}]*)\}/g)) {
  const vector = Buffer.from(
    m[1]
      .split(',')
      .map((x) => parseInt(x.trim(), 16))
      .filter((x) => !Number.isNaN(x)),
  );
  put('stun', vector);
  put('rtcclient', vector); // what the native SDK's ICE checks may be answered with
}

// --- SDP: a browser's answer and offer ------------------------------------------------------------
const sdpTest = readFileSync(join(root, 'tests/native/rtc/SdpTest.cpp'), 'utf8');
for (const m of sdpTest.matchAll(/const (?:std::string|char\*) k\w+ =\s*((?:\s*"(?:[^"\\]|\\.)*"\s*)+);/g)) {
  const text = [...m[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) => JSON.parse(`"${s[1]}"`)).join('');
  put('sdp', text);
  // The same description as an offer (actpass, audio and video), which parseOffer reads.
  put(
    'sdp',
    text.replace('a=setup:active', 'a=setup:actpass') +
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=mid:1\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack pli\r\n' +
      'a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\na=recvonly\r\n',
  );
}

// --- RTP and RTCP ----------------------------------------------------------------------------------
const rtp = Buffer.from('806f1234000003e8deadbeef', 'hex');
put('rtp', Buffer.concat([rtp, Buffer.from('fcff', 'hex')]));
put('rtp', Buffer.from('906f1234000003e8deadbeefbede0001102200000102', 'hex')); // one-byte extension
put('rtp', Buffer.from('a26f1234000003e8deadbeef0000000100000002aabb0002', 'hex')); // CSRCs + padding
put('rtp', Buffer.from('81ce0002000000010000000281cd000300000001000000020005000f', 'hex')); // PLI + NACK
put('rtp', Buffer.from('80c80006000000010000000000000000000000000000000000000000', 'hex')); // SR

// --- RTCP reports to the native SDK: an RR and an SR with a block about its stream (0x11223344) ---
const block = '1122334440' + '00'.repeat(19);
put('rtcclient', Buffer.from('81c90007aaaaaaaa' + block, 'hex')); // RR: 25 % lost
put('rtcclient', Buffer.from('81c8000caaaaaaaa' + '00'.repeat(20) + block, 'hex')); // SR with the same block

// --- /ws/media: one message of each kind, both directions (docs/protocol.md) --------------------
put('wsmedia', Buffer.from('01000100000000f8fffe', 'hex')); // audio: seq 1, ts 0, a 3-byte Opus packet
put('wsmedia', Buffer.from('0500020000f0000a0a0320', 'hex')); // telephone-event: '*' (10), volume 10, 800 units
put('wsmedia', Buffer.from('0200000007', 'hex')); // ping 7
put('wsmedia', Buffer.from('0300000007', 'hex')); // pong 7
put('wsmedia', Buffer.from('04190000000c000003c0000001f4', 'hex')); // report: 10 % lost, 12 in all, jitter 960, 500 received

// --- DTLS: a ClientHello (OpenSSL 3, DTLS 1.2, use_srtp), in the server role -------------------
const clientHello = Buffer.from(
  '16feff000000000000000000c9010000bd00000000000000bdfefd0838133535a9cf1fb0945c70822c9ca7f7489bb9de7544c9905ecd9db2' +
    '32c57d00000038c02cc030009fcca9cca8ccaac02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d' +
    '003c0035002f00ff0100005b000b000403000102000a000c000a001d0017001e0019001800230000000e000500020001000016000000' +
    '170000000d002a0028040305030603080708080809080a080b080408050806040105010601030303010302040205020602',
  'hex',
);
// The datagram, its length (two bytes, read from the back), then the role (the last byte: odd = server).
put('dtls', Buffer.concat([clientHello, bigEndianTail(clientHello.length, 2), Buffer.from([1])]));
put('dtls', Buffer.concat([clientHello.subarray(0, 40), bigEndianTail(40, 2), Buffer.from([0])]));

// --- configuration: a config file, a command line, option values --------------------------------
put(
  'config',
  Buffer.concat([
    Buffer.from(
      JSON.stringify({
        port: 8080,
        'data-dir': 'd',
        'media-ports': '40000-40100',
        'ice-servers': [{ urls: ['stun:stun.example.com'] }, { urls: 'turn:t', username: 'u', credential: 'c' }],
        'allowed-origins': ['http://a'],
        'cdr-push-auth': 'basic',
        'cdr-push-user': 'u',
        'cdr-push-password': 'p',
      }),
    ),
    Buffer.from([0]),
  ]),
);
put(
  'config',
  Buffer.concat([
    Buffer.from(
      fdpStrings([
        '--port',
        '9000',
        '--media-ports',
        '1-2',
        '--set-recording',
        '1400000000:2=off',
        '--ice-servers',
        '[{"urls":"stun:x"}]',
      ]),
    ),
    Buffer.from([1]),
  ]),
);
for (const v of ['40000-40999', '65535', '1400000000:2=on', 'a, b,,c'])
  put('config', Buffer.concat([Buffer.from(v), Buffer.from([2])]));

// --- dictionaries: the words of each input language, so mutations stay close to real input ------
const quote = (w) =>
  `"${[...Buffer.from(w)].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('')}"`;
const writeDict = (name, words, about) =>
  writeFileSync(
    join(here, `${name}.dict`),
    `# ${about}\n# Written by tests/fuzz/seed.mjs.\n${[...new Set(words)].map(quote).join('\n')}\n`,
  );
const vocabulary = JSON.parse(readFileSync(join(root, 'src/protocol/vocabulary.json'), 'utf8'));
const protocolWords = [
  '"v":1',
  '"type":',
  '"req"',
  '"res"',
  '"evt"',
  '"ping"',
  '"pong"',
  '"id":',
  '"method":',
  '"data":',
  '"seq":',
  '"event":',
  '"ok":',
  '"error":',
  '"code":',
  '"message":',
  '"t":',
  'true',
  'false',
  'null',
  '{}',
  '[]',
  '\\u0000',
  '\\ud83d',
];
for (const m of [...vocabulary.agentMethods, ...vocabulary.customerMethods]) protocolWords.push(`"${m.name}"`);
for (const f of vocabulary.fields) protocolWords.push(`"${f.name}":`);
for (const e of vocabulary.enums) for (const value of e.values) protocolWords.push(`"${value}"`);
writeDict(
  'protocol',
  protocolWords,
  'Frames of the tccc protocol (src/protocol/vocabulary.json): envelope, methods, fields, enums.',
);
writeDict(
  'json',
  ['true', 'false', 'null', '\\u', '\\ud800', '\\udc00', 'e+', 'E-', '-0', '1e308', '18446744073709551616', '":'],
  'JSON tokens and numbers at the edges of int64, uint64 and double.',
);
writeDict(
  'http',
  [
    'HTTP/1.1',
    'HTTP/1.0',
    '\r\n',
    'Content-Length: ',
    'Transfer-Encoding: chunked',
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Protocol: ',
    'tccc.v1',
    'tccc.login.',
    'Sec-WebSocket-Key: ',
    'Authorization: ',
    'TC3-HMAC-SHA256',
    '?token=',
    '&sig=',
    '&expires=',
    '%2',
    'POST / ',
    'GET /',
    '"Staffs":',
    '"SdkAppId":',
  ],
  'HTTP/1.1 request syntax and what the server reads from requests.',
);
writeDict(
  'cloud',
  [
    ...Object.values(cloudBodies).flatMap((b) => Object.keys(b).map((k) => `"${k}":`)),
    'APP',
    '"Staffs":[{',
    '-1',
    '9007199254740992',
    'null',
    '""',
  ],
  'Parameters of the cloud API actions (CCC 2020-02-10) and values at the edges of their ranges.',
);
writeDict(
  'sdp',
  [
    '\r\n',
    'v=0',
    'm=audio ',
    'm=video ',
    'a=ice-ufrag:',
    'a=ice-pwd:',
    'a=fingerprint:sha-256 ',
    'a=setup:',
    'actpass',
    'active',
    'passive',
    'a=mid:',
    'a=rtpmap:',
    'opus/48000/2',
    'VP8/90000',
    'telephone-event/48000',
    'a=sendrecv',
    'a=recvonly',
    'a=sendonly',
    'a=inactive',
    'a=group:BUNDLE ',
    'UDP/TLS/RTP/SAVPF',
    'a=rtcp-mux',
    'a=ssrc:',
  ],
  'SDP lines a browser sends.',
);

console.log('seed corpora written under tests/fuzz/corpus/');
