// SPDX-License-Identifier: Apache-2.0
// Every string the UI shows, in Simplified Chinese (default, the TCCC workbench's wording) and English.
export type Lang = 'zh-CN' | 'en';

const zh = {
  workbench: '工作台', close: '关闭', agentStatus: '坐席状态', connection: '连接',
  'conn.connecting': '连接中', 'conn.connected': '已连接', 'conn.lost': '连接已断开', 'conn.reconnecting': '重连中（第 {n} 次）',
  'conn.kicked': '已在别处登录', 'conn.tokenExpired': '登录已失效', 'conn.failed': '重连失败',
  'status.free': '空闲', 'status.busy': '忙碌', 'status.arrange': '话后整理', 'status.notReady': '示忙',
  'status.rest': '小休', 'status.offline': '离线', switchStatus: '切换状态', restReason: '小休原因',
  restReasons: '用餐|会议|培训|休息',
  acwTitle: '话后整理', acwCountdown: '{n} 秒后自动返回空闲', acwKept: '继续话后整理中', backToFree: '返回接待',
  keepWrapping: '继续话后整理',
  dialPad: '拨号盘', number: '号码', remark: '备注', call: '呼叫',
  sessions: '会话列表', noSessions: '暂无会话',
  'type.phone': '电话', 'type.im': '在线', 'type.voip': '音频', 'type.video': '视频', 'type.internal': '内部',
  'state.ringing': '振铃中', 'state.dialing': '呼叫中', 'state.talking': '通话中', 'state.ended': '已结束',
  incoming: '来电', answer: '接听', reject: '拒接', ringsFor: '{n} 秒后转给其他坐席',
  ringtoneBlocked: '浏览器阻止了铃声自动播放，已改用系统通知提醒。',
  ringtoneBlockedNoNotify: '浏览器阻止了铃声自动播放，且系统通知未开启：请留意本页面（可在下方开启来电通知）。',
  hiddenNotified: '页面在后台，已发送系统通知。', hiddenNoNotify: '页面在后台且来电通知未开启：可能错过来电。',
  mute: '静音', unmute: '取消静音', hold: '保持', unHold: '取消保持', keypad: '按键', transfer: '转接', hangUp: '挂断',
  transferTo: '转接给', toAgent: '坐席', toSkillGroup: '技能组', agentId: '坐席账号', skillGroupId: '技能组 ID',
  confirm: '确定', cancel: '取消', held: '已保持', muted: '已静音',
  'audio.noInboundAudio': '收不到对方的声音：对方的网络或设备可能有问题。',
  'audio.microphoneSilent': '您的麦克风没有声音：请检查耳机连接或静音开关。',
  errorPrefix: '操作失败：',
  video: '视频', remoteVideo: '对方画面', localVideo: '本地画面', cameraOff: '关闭摄像头', cameraOn: '打开摄像头',
  videoWaiting: '等待视频画面…',
  notify: '来电通知', enableNotify: '开启来电通知', notifyOn: '已开启：页面在后台或铃声被阻止时用系统通知提醒来电。',
  notifyOff: '未开启：页面在后台或铃声被阻止时可能错过来电。', notifyDenied: '浏览器已禁止本站的通知：请在浏览器的网站设置中允许。',
};
type Key = keyof typeof zh;

const en: Record<Key, string> = {
  workbench: 'Workbench', close: 'Close', agentStatus: 'Agent status', connection: 'Connection',
  'conn.connecting': 'Connecting', 'conn.connected': 'Connected', 'conn.lost': 'Connection lost', 'conn.reconnecting': 'Reconnecting (attempt {n})',
  'conn.kicked': 'Logged in elsewhere', 'conn.tokenExpired': 'Login expired', 'conn.failed': 'Reconnecting failed',
  'status.free': 'Available', 'status.busy': 'Busy', 'status.arrange': 'After-call work', 'status.notReady': 'Not ready',
  'status.rest': 'On break', 'status.offline': 'Offline', switchStatus: 'Change status', restReason: 'Break reason',
  restReasons: 'Meal|Meeting|Training|Break',
  acwTitle: 'After-call work', acwCountdown: 'Back to available in {n} s', acwKept: 'Still wrapping up', backToFree: 'Back to available',
  keepWrapping: 'Keep wrapping up',
  dialPad: 'Dial pad', number: 'Number', remark: 'Remark', call: 'Call',
  sessions: 'Sessions', noSessions: 'No sessions',
  'type.phone': 'Phone', 'type.im': 'Chat', 'type.voip': 'Audio', 'type.video': 'Video', 'type.internal': 'Internal',
  'state.ringing': 'Ringing', 'state.dialing': 'Dialling', 'state.talking': 'Talking', 'state.ended': 'Ended',
  incoming: 'Incoming call', answer: 'Answer', reject: 'Decline', ringsFor: 'Goes to another agent in {n} s',
  ringtoneBlocked: 'The browser blocked the ringtone; a system notification was shown instead.',
  ringtoneBlockedNoNotify: 'The browser blocked the ringtone and notifications are off: keep an eye on this page (enable call notifications below).',
  hiddenNotified: 'The page is in the background: a system notification was shown.',
  hiddenNoNotify: 'The page is in the background and call notifications are off: the call may be missed.',
  mute: 'Mute', unmute: 'Unmute', hold: 'Hold', unHold: 'Resume', keypad: 'Keypad', transfer: 'Transfer', hangUp: 'Hang up',
  transferTo: 'Transfer to', toAgent: 'Agent', toSkillGroup: 'Skill group', agentId: 'Agent user ID', skillGroupId: 'Skill group ID',
  confirm: 'OK', cancel: 'Cancel', held: 'On hold', muted: 'Muted',
  'audio.noInboundAudio': 'No audio is arriving from the other side: their network or device may be at fault.',
  'audio.microphoneSilent': 'Your microphone is silent: check the headset connection or its mute switch.',
  errorPrefix: 'Failed: ',
  video: 'Video', remoteVideo: 'Caller video', localVideo: 'Your camera', cameraOff: 'Camera off', cameraOn: 'Camera on',
  videoWaiting: 'Waiting for video…',
  notify: 'Call notifications', enableNotify: 'Enable call notifications', notifyOn: 'On: a system notification announces calls while the page is in the background or the ringtone is blocked.',
  notifyOff: 'Off: calls may be missed while the page is in the background or the ringtone is blocked.', notifyDenied: 'The browser blocks notifications for this site: allow them in its site settings.',
};

export type Translate = (key: Key, n?: number | string) => string;

export function translator(lang: Lang): Translate {
  const dict: Record<Key, string> = lang === 'en' ? en : zh;
  return (key, n) => {
    const text = dict[key] ?? key;
    return n === undefined ? text : text.replace('{n}', String(n));
  };
}
