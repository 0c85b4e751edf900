// The seed guide's uni-app TCCCWorkstation samples ("座席端 SDK API 文档" › uni-app and "实现一键外呼"),
// as TypeScript against the npm package's typings, with the seed's own import spelling.
import {
  TcccWorkstation,
  TCCCWorkstation,
  TCCCLoginType,
  TCCCAudioRoute,
  TCCCEndReason,
  TCCCSessionDirection,
  TcccErrorCode,
} from 'tccc';

declare const sdkAppId: number;
declare const userID: string;
declare const token: string;

const tcccSDK = TCCCWorkstation.sharedInstance();
const same: TCCCWorkstation = TcccWorkstation.sharedInstance();
void same;

tcccSDK.on('onError', (errCode: number, errMsg: string) => {
  console.error(errCode, errMsg);
});
tcccSDK.on('onEnded', (reason: TCCCEndReason, reasonMessage: string, sessionId: string) => {
  let msg = reasonMessage;
  if (reason == TCCCEndReason.Error) msg = '系统异常' + reasonMessage;
  else if (reason == TCCCEndReason.Timeout) msg = '超时挂断';
  else if (reason == TCCCEndReason.LocalBye) msg = '您已挂断';
  else if (reason == TCCCEndReason.RemoteBye) msg = '对方已挂断';
  else if (reason == TCCCEndReason.Rejected) msg = '对方已拒接';
  else if (reason == TCCCEndReason.RemoteCancel) msg = '对方已取消';
  console.log(msg, sessionId);
});
tcccSDK.on('onAccepted', (sessionId: string) => console.log(sessionId));
tcccSDK.on('onNewSession', (res: { sessionDirection: TCCCSessionDirection; sessionId: string }) => {
  if (res.sessionDirection == TCCCSessionDirection.CallIn) console.log('call in');
  else if (res.sessionDirection == TCCCSessionDirection.CallOut) console.log('call out');
});
tcccSDK.on('onNetworkQuality', (localQuality: { quality: number }) => console.log(localQuality.quality));
tcccSDK.on('onAudioVolume', (userId: string, volume: number) => console.log(userId, volume));
tcccSDK.on('onConnectionLost', (serverType: number) => console.log(serverType));

tcccSDK.login({ sdkAppID: sdkAppId, userId: userID, token: token, type: TCCCLoginType.Agent }, (code, message) => {
  if (code == TcccErrorCode.ERR_NONE) {
    tcccSDK.call({ to: '134xxxx', remark: 'xxx', uui: 'xxxx' }, (code2, message2) => {
      if (code2 == TcccErrorCode.ERR_NONE) console.log('发起成功');
      else console.error(message2);
    });
  } else {
    console.error(message);
  }
});
tcccSDK.checkLogin((code, message) => console.log(code == TcccErrorCode.ERR_NONE, message));
tcccSDK.answer((code) => console.log(code));
tcccSDK.terminate();
tcccSDK.sendDTMF('1#');
tcccSDK.mute();
tcccSDK.unmute();
tcccSDK.startPlayMusic();
tcccSDK.stopPlayMusic();
const route = TCCCAudioRoute.Speakerphone;
tcccSDK.getDeviceManager().setAudioRoute(route);
tcccSDK.getDeviceManager().setAudioCaptureVolume(80);
const playout: number = tcccSDK.getDeviceManager().getAudioPlayoutVolume();
void playout;
const version: string = TCCCWorkstation.getSDKVersion();
void version;
tcccSDK.callExperimentalAPI(JSON.stringify({ api: 'setServerUrl', params: { serverUrl: 'https://cc.example.com' } }));
tcccSDK.off('*');
TCCCWorkstation.destroyInstance();

// @ts-expect-error call() needs the number to call
tcccSDK.call({ remark: 'no number' });
// @ts-expect-error setAudioRoute takes a TCCCAudioRoute
tcccSDK.getDeviceManager().setAudioRoute('speaker');
