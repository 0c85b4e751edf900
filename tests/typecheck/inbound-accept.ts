// The seed guide's "实现电话呼入" sample: listen for callIn, keep the sessionId, accept on demand,
// plus the other events it lists.
import 'tccc';

let sessionId: string | undefined; // 存在公共区域，可以方便任意时候使用

// 监听电话呼入事件
window.tccc.on(window.tccc.events.callIn, (response) => {
  // 会话呼入时触发，将该会话的sessionId存储到公共区域
  sessionId = response.data.sessionId;
  if (response.data.type === 'phone') {
    const caller: string | undefined = response.data.callerPhoneNumber;
    const keys = (response.data.ivrPath ?? []).map((step) => step.key);
    console.log(caller, keys, response.data.timeout);
  }
});

// 实现接听方法
export function accept(): void {
  if (sessionId) {
    window.tccc.Call.accept({ sessionId })
      .then(() => {
        // 接听成功，开始通话
      })
      .catch((err) => {
        // 接听失败，展示详细错误原因
        const error: string = err.errorMsg;
        console.error(error);
      });
  } else {
    console.error('未找到需接听的会话');
  }
}

window.tccc.on(window.tccc.events.userAccessed, (response) => {
  console.log(response.data.sessionId);
});
window.tccc.on(window.tccc.events.sessionEnded, (response) => {
  const by: 'client' | 'seat' | 'admin' | 'timer' = response.data.closeBy;
  console.log(by, response.data.mainReason);
});

// Levels and network quality of the call (ours; the native SDKs' onAudioVolume / onNetworkQuality).
window.tccc.on(window.tccc.events.audioVolume, ({ data }) => {
  const levels: [string, number, number] = [data.sessionId, data.agent, data.remote];
  console.log(levels);
});
window.tccc.on('networkQuality', ({ data }) => {
  const bad = data.quality >= 3;
  const figures: Array<number | undefined> = [data.lossPercent, data.jitterMs, data.rttMs];
  console.log(data.sessionId, bad, figures);
});
