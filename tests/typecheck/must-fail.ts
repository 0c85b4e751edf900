// Integrator mistakes the typings must catch. Each line below @ts-expect-error has to be an error;
// should one compile, tsc reports the unused directive and `tsc --noEmit -p tests/typecheck` fails.
import { init } from 'tccc';

const tccc = init({ sdkUrl: 'https://cc.example.com/sdk/tccc.js?sdkAppId=1&userid=u&token=t' });

// @ts-expect-error the option is phoneNumber, not phone
tccc.Call.startOutboundCall({ phone: '19999999999' });
// @ts-expect-error phoneNumber is required
tccc.Call.startOutboundCall({ phoneDesc: 'Tencent' });
// @ts-expect-error sessionId is required
tccc.Call.accept({});
// @ts-expect-error options are required
tccc.Call.hungUp();
// @ts-expect-error the id is sessionId, not sessionID
tccc.Chat.end({ sessionID: 's-1' });
// @ts-expect-error sendDigits takes dtmfText
tccc.Call.sendDigits({ sessionId: 's-1', digits: '1' });
// @ts-expect-error busy is set by the server only
tccc.Agent.setStatus({ status: 'busy' });
// @ts-expect-error getStatus is synchronous: it returns a string, not a promise
tccc.Agent.getStatus().then(() => {});
// @ts-expect-error no such event
tccc.on('callin', () => {});
// @ts-expect-error callIn's payload has no sessionId at the top level (it is under data)
tccc.on('callIn', (p) => p.sessionId);
// @ts-expect-error tokenExpired's message is a string
tccc.on('tokenExpired', ({ message }) => message.toFixed());
// @ts-expect-error the result has data.sessionId, not sessionId
tccc.Call.startOutboundCall({ phoneNumber: '1' }).then((res) => res.sessionId);
// @ts-expect-error useMobile is a boolean
tccc.Call.startInternalCall({ calleeUserId: 'bob', useMobile: 'yes' });
// @ts-expect-error init needs an options object
init();
// @ts-expect-error window.tccc is typed: no such namespace
window.tccc.Phone.dial();
// @ts-expect-error a media adapter needs handle() and close()
init({ sdkUrl: 'https://x/sdk/tccc.js', media: { handle() {} } });
// @ts-expect-error audioVolume's levels are agent and remote, not a single volume
tccc.on('audioVolume', ({ data }) => data.volume);
// @ts-expect-error networkQuality's quality is a number on the TCCC scale, not a word
tccc.on('networkQuality', ({ data }) => data.quality === 'good');
