// The seed guide's plain-JS "一键外呼" (one-click outbound call) sample, as TypeScript against
// window.tccc (script-tag integration: the typings only declare the global).
import 'tccc';

function sdkCall(phoneNumber: string): void {
  window.tccc.Call.startOutboundCall({
    phoneNumber, // 外呼号码
    phoneDesc: 'Tencent', // 备注文案，将会在通话条上替代号码的显示
  })
    .then((res) => {
      // 外呼成功，并获取外呼ID，后续可用作查询关联录音、服务记录信息
      const sessionId: string = res.data.sessionId;
      console.log(sessionId, res.data.calleePhoneNumber, res.data.serverType);
    })
    .catch((err) => {
      // 外呼失败，获取失败原因并提示
      console.error(err.errorMsg);
    });
}

document.getElementById('call')!.addEventListener('click', () => {
  sdkCall('19999999999');
});

// Initialisation as the docs show it: load the SdkURL, then listen on the global.
const script = document.createElement('script');
script.setAttribute('crossorigin', 'anonymous');
script.src = 'https://cc.example.com/sdk/tccc.js?sdkAppId=1400000001&userid=a%40b.c&token=t';
document.body.appendChild(script);
script.addEventListener('load', () => {
  window.tccc.on(window.tccc.events.ready, () => {
    /* ready: can call out */
  });
  window.tccc.on(window.tccc.events.tokenExpired, ({ message }) => {
    console.error(message);
  });
});
