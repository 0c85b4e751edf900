// The npm entry: init() with an SdkURL or explicit parameters, typed results, errors and events.
import {
  init,
  ErrorCode,
  TcccError,
  events,
  version,
  type AgentStatus,
  type Tccc,
  type EventPayloads,
  type MediaAdapter,
} from 'tccc';

const tccc: Tccc = init({ sdkUrl: 'https://cc.example.com/sdk/tccc.js?sdkAppId=1400000001&userid=a%40b.c&token=t' });
const media: MediaAdapter = { handle: (action, data) => console.log(action, data.sessionId), close: () => {} };
const other: Tccc = init({
  media,
  sdkAppId: 1400000001,
  userId: 'a@b.c',
  token: 't',
  serverUrl: 'https://cc.example.com',
  wasmUrl: '/assets/tccc-core.wasm',
  global: true,
  tuning: { requestTimeoutMs: 5000 },
});

tccc.on('ready', () => {});
tccc.on(events.statusChanged, ({ data }) => {
  const s: AgentStatus = data.status;
  console.log(s);
});
tccc.on('tryToReconnect', ({ data }) => console.log(data.attempt, data.delayMs));
tccc.on('kickedOut', ({ data }) => console.log(data.reason));
const onEnded = (p: EventPayloads['sessionEnded']) => console.log(p.data.sessionId);
tccc.on('sessionEnded', onEnded);
tccc.off('sessionEnded', onEnded);

async function flow(): Promise<void> {
  try {
    const res = await tccc.Call.startOutboundCall({ phoneNumber: '19999999999', servingNumberGroupIds: ['g1'] });
    const id: string = res.data.sessionId;
    const muted: boolean = (await tccc.Call.isMicMuted({ sessionId: id })).data.isMicMuted;
    await tccc.Call.sendDigits({ sessionId: id, dtmfText: '1#' });
    await tccc.Call.transfer({ sessionId: id, skillGroupId: '2' });
    await tccc.Agent.setStatus({ status: 'rest', restReason: 'lunch' });
    console.log(muted);
  } catch (e) {
    if (e instanceof TcccError && e.code === ErrorCode.ERR_INVALID_STATE) console.log(e.name, e.errorMsg, e.status);
  }
  tccc.Agent.online(); // documented as void: ignoring the promise is fine
  const status: AgentStatus = tccc.Agent.getStatus();
  const supported: boolean = tccc.Devices.isBrowserSupported();
  const mics: MediaDeviceInfo[] = await tccc.Devices.getMicrophones();
  tccc.UI.hidefloatButton();
  tccc.UI.showWorkbench();
  console.log(status, supported, mics, version, tccc.version);
  other.destroy();
}
void flow;
