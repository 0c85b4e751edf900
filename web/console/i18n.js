// SPDX-License-Identifier: Apache-2.0
// Every text the operator console shows, in Simplified Chinese (the default) and English (?lang=en
// or the language button), and the few helpers that pick and fill them. Nothing here touches the
// network; the other modules ask `t(key, values)` and re-render when `onLanguage` fires.

const zh = {
  docTitle: 'tccc 运营控制台',
  product: '运营控制台',
  appLine: '{name} · SdkAppId {id}',
  signedIn: '已登录',
  lang: 'English',
  langLabel: '切换到英文界面',
  signOut: '退出登录',
  loading: '正在加载…',
  tabsLabel: '控制台分区',
  'tab.staff': '坐席',
  'tab.groups': '技能组',
  'tab.numbers': '号码与 IVR',
  'tab.records': '通话记录',
  'tab.chats': '在线会话记录',

  'signin.title': '登录运营控制台',
  'signin.signingIn': '正在登录…',
  'signin.needLink': '请在浏览器中打开 npm start 打印的一次性登录链接（以 Console= 开头的那一行）。',
  'signin.used': '该登录链接已经使用过了：每个链接只能登录一次。',
  'signin.invalid': '该登录链接无效或已过期。',
  'signin.expired': '登录已过期，请重新登录。',
  'signin.signedOut': '您已退出登录。',
  'signin.failed': '登录失败：{error}',
  'signin.howTo': '获取新的登录链接（在运行服务器的机器上执行）：',
  'signin.or': '或',

  save: '保存',
  saving: '正在保存…',
  cancel: '取消',
  close: '关闭',
  confirm: '确定',
  delete: '删除',
  edit: '编辑',
  refresh: '刷新',
  none: '—',
  required: '必填',
  saved: '已保存。',
  deletedItem: '已删除 {name}。',
  confirmTitle: '请确认',
  loadFailed: '加载失败：{error}',

  'staff.title': '坐席',
  'staff.count': '共 {n} 位',
  'staff.add': '添加坐席',
  'staff.search': '搜索坐席',
  'staff.searchHint': '姓名、邮箱或工号',
  'staff.col.name': '姓名',
  'staff.col.mail': '邮箱',
  'staff.col.number': '工号',
  'staff.col.phone': '手机',
  'staff.col.role': '角色',
  'staff.col.groups': '技能组',
  'staff.col.status': '状态',
  'staff.col.actions': '操作',
  'staff.empty': '还没有坐席。',
  'staff.noMatch': '没有符合条件的坐席。',
  'staff.newTitle': '添加坐席',
  'staff.editTitle': '编辑坐席',
  'staff.f.mail': '邮箱（登录账号）',
  'staff.f.name': '姓名',
  'staff.f.nick': '昵称',
  'staff.f.number': '工号',
  'staff.f.phone': '手机号',
  'staff.f.role': '角色',
  'staff.f.groups': '技能组',
  'staff.roleFixed': '角色在创建后不能修改。',
  'staff.noGroups': '还没有技能组，可先到“技能组”中新建。',
  'staff.confirmDelete': '删除坐席 {name}（{mail}）？此操作不可撤销。',
  'staff.online': '{mail} 当前在线，不能删除：请先让其签出后再试。',
  'staff.notFound': '{mail} 不存在，可能已被删除。',
  'staff.created': '已添加坐席 {mail}。',
  'staff.editOf': '编辑 {name}',
  'staff.deleteOf': '删除 {name}',
  'staff.vMail': '请填写有效的邮箱地址。',
  'staff.vName': '请填写姓名。',
  'staff.vPhone': '手机号只能包含数字、+ 和 -。',
  'role.1': '管理员',
  'role.2': '质检',
  'role.3': '坐席',
  'status.free': '空闲',
  'status.busy': '忙碌',
  'status.rest': '小休',
  'status.notReady': '示忙',
  'status.afterCallWork': '话后整理',
  'status.arrange': '话后整理',
  'status.offline': '离线',

  'groups.title': '技能组',
  'groups.count': '共 {n} 个',
  'groups.add': '新建技能组',
  'groups.col.id': 'ID',
  'groups.col.name': '名称',
  'groups.col.type': '类型',
  'groups.col.concurrency': '最大并发',
  'groups.col.members': '成员数',
  'groups.col.modified': '修改时间',
  'groups.empty': '还没有技能组。',
  'groups.newTitle': '新建技能组',
  'groups.f.name': '名称',
  'groups.f.type': '类型',
  'groups.f.concurrency': '最大并发会话数',
  'groups.concurrencyHint': '在线客服技能组中，每位坐席可同时接待的会话数（1–100）。',
  'groups.created': '已新建技能组 {name}（ID {id}）。',
  'groups.vName': '请填写技能组名称。',
  'groups.vConcurrency': '最大并发须为 1–100 的整数。',
  'groups.note': '技能组创建后不能在此改名或删除。',
  'type.0': '电话',
  'type.1': '在线',
  'type.3': '音频',
  'type.4': '视频',

  'numbers.title': '服务号码',
  'numbers.count': '共 {n} 个',
  'numbers.add': '添加号码',
  'numbers.empty': '还没有服务号码。',
  'numbers.prompt': '语音提示',
  'numbers.menu': '按键菜单',
  'numbers.noMenu': '无按键菜单：来电直接进入 {group}。',
  'numbers.noRoute': '无按键菜单，也没有默认技能组：来电无法接通。',
  'numbers.key': '按 {key}',
  'numbers.editOf': '编辑 {number}',
  'numbers.deleteOf': '删除 {number}',
  'numbers.newTitle': '添加服务号码',
  'numbers.editTitle': '编辑服务号码',
  'numbers.f.number': '号码',
  'numbers.f.prompt': '语音提示（来电者听到的菜单说明）',
  'numbers.f.options': '按键菜单',
  'numbers.f.key': '按键',
  'numbers.f.label': '名称',
  'numbers.f.group': '转到技能组',
  'numbers.f.default': '默认技能组',
  'numbers.defaultNone': '无',
  'numbers.defaultHint': '没有按键菜单时，来电直接进入默认技能组。',
  'numbers.addOption': '添加按键',
  'numbers.removeOption': '删除第 {n} 个按键',
  'numbers.optionN': '第 {n} 个按键',
  'numbers.noOptions': '没有按键菜单。',
  'numbers.voiceOnly': '只能选择电话或音频技能组。',
  'numbers.confirmDelete': '删除服务号码 {number}？之后拨打该号码的来电将无法接通。',
  'numbers.vNumber': '号码须为 3–20 位数字，可带前导 +。',
  'numbers.vKeyTwice': '按键 {key} 用了不止一次：每个按键只能对应一项。',
  'numbers.vLabel': '请填写按键 {key} 的名称。',
  'numbers.vGroup': '请为按键 {key} 选择技能组。',
  'numbers.vPrompt': '有按键菜单时必须填写语音提示。',
  'numbers.vDefault': '没有按键菜单时必须选择默认技能组。',
  'numbers.vExists': '号码 {number} 已存在，请直接编辑它。',
  'callers.title': '外呼号码',
  'callers.hint': '外呼号码由服务器配置，此处只读。',
  'callers.col.number': '号码',
  'callers.col.groups': '可使用的技能组',
  'callers.empty': '没有外呼号码。',

  'range.from': '开始日期',
  'range.to': '结束日期',
  'range.search': '查询',
  'range.prev': '上一页',
  'range.next': '下一页',
  'range.vRange': '结束日期不能早于开始日期。',
  'range.vRange90': '查询范围须少于 90 天。',
  'range.vDate': '请选择日期。',

  'records.title': '通话记录',
  'records.col.time': '时间',
  'records.col.direction': '方向',
  'records.col.caller': '主叫',
  'records.col.callee': '被叫',
  'records.col.agent': '坐席',
  'records.col.group': '技能组',
  'records.col.duration': '通话时长',
  'records.col.end': '结束状态',
  'records.col.actions': '录音与转写',
  'records.empty': '所选日期内没有通话记录。',
  'records.play': '播放录音',
  'records.hideAudio': '收起录音',
  'records.transcript': '转写',
  'records.hideTranscript': '收起转写',
  'records.noRecording': '无录音',
  'records.audioLabel': '{time} 的通话录音',
  'records.transcriptTitle': '通话转写',
  'records.transcriptEmpty': '这通电话没有转写内容（未开启语音识别，或没有识别出语音）。',
  'records.customer': '客户',
  'records.agent': '坐席',
  'records.page': '第 {page} / {pages} 页 · 共 {total} 条',
  'records.ivr': '按键 {keys}',
  'dir.0': '呼入',
  'dir.1': '呼出',
  'end.ok': '正常结束',
  'end.error': '系统错误',
  'end.unconnected': '未接通',
  'end.blackList': '黑名单拦截',
  'end.ivrGiveUp': 'IVR 中放弃',
  'end.waitingGiveUp': '排队中放弃',
  'end.ringingGiveUp': '振铃中放弃',
  'end.noSeatOnline': '无坐席在线',
  'end.notWorkTime': '非工作时间',
  'end.ivrEnd': 'IVR 后结束',
  'end.unknown': '未知',
  'end.notAnswer': '未应答',
  'end.userReject': '拒接',
  'end.powerOff': '关机',
  'end.numberNotExist': '空号',
  'end.busy': '占线',
  'end.outOfCredit': '欠费',
  'end.operatorError': '线路异常',
  'end.callerCancel': '主叫取消',
  'end.notInService': '不在服务区',
  'end.clientError': '客户端错误',

  'chats.title': '在线会话记录',
  'chats.col.time': '开始时间',
  'chats.col.customer': '客户',
  'chats.col.agent': '坐席',
  'chats.col.group': '技能组',
  'chats.col.duration': '会话时长',
  'chats.col.end': '结束状态',
  'chats.col.actions': '消息',
  'chats.empty': '所选日期内没有在线会话。',
  'chats.open': '查看消息',
  'chats.hide': '收起消息',
  'chats.openOf': '查看消息：{who}，{time}',
  'chats.hideOf': '收起消息：{who}，{time}',
  'chats.messagesTitle': '会话消息',
  'chats.noMessages': '这次会话没有消息。',
  'chats.customer': '客户',
  'chats.agent': '坐席',
  'chats.system': '系统',
  'chats.page': '第 {page} / {pages} 页 · 共 {total} 条',
  'imEnd.0': '其他',
  'imEnd.1': '坐席结束',
  'imEnd.3': '无坐席在线',
  'imEnd.108': '访客超时',
  'imEnd.109': '访客结束',
  'notice.joined': '{name} 加入了会话',
  'notice.transferred': '{name} 转接了会话',
  'notice.left': '{name} 离开了会话',
  'notice.ended': '会话已结束。',

  errorCode: '错误码 {code}',
  'error.NetworkError': '无法连接服务器，请检查网络后重试。',
  'error.HttpError': '服务器返回了无法识别的应答。',
  'error.AuthFailure.UnauthorizedOperation': '登录已过期或无权执行此操作。',
  'error.UnauthorizedOperation': '控制台无权执行此操作。',
  'error.InvalidParameterValue.AccountExists': '该邮箱的坐席已存在。',
  'error.InvalidParameterValue.SkillGroupExists': '同名的技能组已存在。',
  'error.InvalidParameterValue.SkillGroupNotExist': '所选技能组不存在。',
  'error.InvalidParameterValue.NumberInUse': '该号码已属于其他应用。',
  'error.ResourceNotFound': '要操作的对象不存在，可能已被删除。',
  'error.ResourceNotFound.Number': '该服务号码不存在，可能已被删除。',
  'error.RequestLimitExceeded': '操作过于频繁，请稍后再试。',
  'error.InternalError.DBError': '服务器存储故障，未做任何修改；请稍后重试。',
  'error.InternalError': '服务器内部错误，请稍后重试。',
  'error.UnsupportedOperation': '服务器不支持此操作',
  'error.InvalidParameterValue': '参数值不正确',
  'error.InvalidParameter': '参数不正确',
  'error.MissingParameter': '缺少参数',
  'error.InvalidAction': '服务器没有这个操作',
  'error.ConsoleLinkInvalid': '该登录链接无效或已过期。',
  'error.ConsoleLinkUsed': '该登录链接已经使用过了。',
  'error.unknown': '操作失败',
};

const en = {
  docTitle: 'tccc operator console',
  product: 'Operator console',
  appLine: '{name} · SdkAppId {id}',
  signedIn: 'Signed in',
  lang: '中文',
  langLabel: 'Switch to Chinese',
  signOut: 'Sign out',
  loading: 'Loading…',
  tabsLabel: 'Console sections',
  'tab.staff': 'Staff',
  'tab.groups': 'Skill groups',
  'tab.numbers': 'Numbers & IVR',
  'tab.records': 'Call records',
  'tab.chats': 'Chat records',

  'signin.title': 'Sign in to the operator console',
  'signin.signingIn': 'Signing in…',
  'signin.needLink': 'Open the one-time sign-in link that npm start printed (the line that starts with Console=).',
  'signin.used': 'This sign-in link has been used already: each link signs in once.',
  'signin.invalid': 'This sign-in link is not valid or has expired.',
  'signin.expired': 'Your session has expired; please sign in again.',
  'signin.signedOut': 'You have signed out.',
  'signin.failed': 'Could not sign in: {error}',
  'signin.howTo': 'Get a new sign-in link (run on the machine of the server):',
  'signin.or': 'or',

  save: 'Save',
  saving: 'Saving…',
  cancel: 'Cancel',
  close: 'Close',
  confirm: 'Confirm',
  delete: 'Delete',
  edit: 'Edit',
  refresh: 'Refresh',
  none: '—',
  required: 'required',
  saved: 'Saved.',
  deletedItem: 'Deleted {name}.',
  confirmTitle: 'Please confirm',
  loadFailed: 'Could not load: {error}',

  'staff.title': 'Staff',
  'staff.count': '{n} in all',
  'staff.add': 'Add staff',
  'staff.search': 'Search staff',
  'staff.searchHint': 'Name, e-mail or staff no.',
  'staff.col.name': 'Name',
  'staff.col.mail': 'E-mail',
  'staff.col.number': 'Staff no.',
  'staff.col.phone': 'Mobile',
  'staff.col.role': 'Role',
  'staff.col.groups': 'Skill groups',
  'staff.col.status': 'Status',
  'staff.col.actions': 'Actions',
  'staff.empty': 'No staff yet.',
  'staff.noMatch': 'No staff match.',
  'staff.newTitle': 'Add staff',
  'staff.editTitle': 'Edit staff',
  'staff.f.mail': 'E-mail (sign-in account)',
  'staff.f.name': 'Name',
  'staff.f.nick': 'Nickname',
  'staff.f.number': 'Staff number',
  'staff.f.phone': 'Mobile number',
  'staff.f.role': 'Role',
  'staff.f.groups': 'Skill groups',
  'staff.roleFixed': 'The role cannot be changed once the staff member exists.',
  'staff.noGroups': 'No skill groups yet: create one under “Skill groups” first.',
  'staff.confirmDelete': 'Delete {name} ({mail})? This cannot be undone.',
  'staff.online': '{mail} is signed in and cannot be deleted: have them sign out, then try again.',
  'staff.notFound': '{mail} does not exist; it may have been deleted already.',
  'staff.created': 'Added {mail}.',
  'staff.editOf': 'Edit {name}',
  'staff.deleteOf': 'Delete {name}',
  'staff.vMail': 'Enter a valid e-mail address.',
  'staff.vName': 'Enter a name.',
  'staff.vPhone': 'A mobile number may contain only digits, + and -.',
  'role.1': 'Supervisor',
  'role.2': 'Quality inspector',
  'role.3': 'Agent',
  'status.free': 'Available',
  'status.busy': 'Busy',
  'status.rest': 'On break',
  'status.notReady': 'Not ready',
  'status.afterCallWork': 'After-call work',
  'status.arrange': 'After-call work',
  'status.offline': 'Offline',

  'groups.title': 'Skill groups',
  'groups.count': '{n} in all',
  'groups.add': 'New skill group',
  'groups.col.id': 'ID',
  'groups.col.name': 'Name',
  'groups.col.type': 'Type',
  'groups.col.concurrency': 'Max. concurrency',
  'groups.col.members': 'Members',
  'groups.col.modified': 'Modified',
  'groups.empty': 'No skill groups yet.',
  'groups.newTitle': 'New skill group',
  'groups.f.name': 'Name',
  'groups.f.type': 'Type',
  'groups.f.concurrency': 'Max. concurrent sessions',
  'groups.concurrencyHint': 'For online groups: how many chats one agent takes at once (1–100).',
  'groups.created': 'Created skill group {name} (ID {id}).',
  'groups.vName': 'Enter a name for the skill group.',
  'groups.vConcurrency': 'Max. concurrency must be a whole number from 1 to 100.',
  'groups.note': 'Skill groups cannot be renamed or deleted here once created.',
  'type.0': 'Phone',
  'type.1': 'Online',
  'type.3': 'Audio',
  'type.4': 'Video',

  'numbers.title': 'Service numbers',
  'numbers.count': '{n} in all',
  'numbers.add': 'Add number',
  'numbers.empty': 'No service numbers yet.',
  'numbers.prompt': 'Prompt',
  'numbers.menu': 'Key menu',
  'numbers.noMenu': 'No key menu: calls go straight to {group}.',
  'numbers.noRoute': 'No key menu and no default skill group: calls cannot connect.',
  'numbers.key': 'Key {key}',
  'numbers.editOf': 'Edit {number}',
  'numbers.deleteOf': 'Delete {number}',
  'numbers.newTitle': 'Add service number',
  'numbers.editTitle': 'Edit service number',
  'numbers.f.number': 'Number',
  'numbers.f.prompt': 'Prompt (what callers hear before the menu)',
  'numbers.f.options': 'Key menu',
  'numbers.f.key': 'Key',
  'numbers.f.label': 'Label',
  'numbers.f.group': 'To skill group',
  'numbers.f.default': 'Default skill group',
  'numbers.defaultNone': 'None',
  'numbers.defaultHint': 'Without a key menu, calls go straight to the default skill group.',
  'numbers.addOption': 'Add key',
  'numbers.removeOption': 'Remove key {n}',
  'numbers.optionN': 'Key {n}',
  'numbers.noOptions': 'No key menu.',
  'numbers.voiceOnly': 'Only phone and audio skill groups take calls.',
  'numbers.confirmDelete': 'Delete the service number {number}? Calls to it will no longer connect.',
  'numbers.vNumber': 'A number is 3 to 20 digits, optionally after a +.',
  'numbers.vKeyTwice': 'Key {key} is used more than once: each key leads to one choice.',
  'numbers.vLabel': 'Enter a label for key {key}.',
  'numbers.vGroup': 'Choose a skill group for key {key}.',
  'numbers.vPrompt': 'A number with a key menu needs a prompt.',
  'numbers.vDefault': 'A number without a key menu needs a default skill group.',
  'numbers.vExists': 'The number {number} exists already: edit it instead.',
  'callers.title': 'Outbound caller numbers',
  'callers.hint': 'Caller numbers are set up on the server; read-only here.',
  'callers.col.number': 'Number',
  'callers.col.groups': 'Skill groups that may use it',
  'callers.empty': 'No caller numbers.',

  'range.from': 'From',
  'range.to': 'To',
  'range.search': 'Search',
  'range.prev': 'Previous',
  'range.next': 'Next',
  'range.vRange': 'The end date must not be before the start date.',
  'range.vRange90': 'The range must be shorter than 90 days.',
  'range.vDate': 'Choose a date.',

  'records.title': 'Call records',
  'records.col.time': 'Time',
  'records.col.direction': 'Direction',
  'records.col.caller': 'Caller',
  'records.col.callee': 'Callee',
  'records.col.agent': 'Agent',
  'records.col.group': 'Skill group',
  'records.col.duration': 'Talk time',
  'records.col.end': 'End status',
  'records.col.actions': 'Recording & transcript',
  'records.empty': 'No calls in these days.',
  'records.play': 'Play recording',
  'records.hideAudio': 'Hide recording',
  'records.transcript': 'Transcript',
  'records.hideTranscript': 'Hide transcript',
  'records.noRecording': 'No recording',
  'records.audioLabel': 'Recording of the call at {time}',
  'records.transcriptTitle': 'Transcript',
  'records.transcriptEmpty': 'This call has no transcript (speech recognition was off, or nothing was recognised).',
  'records.customer': 'Customer',
  'records.agent': 'Agent',
  'records.page': 'Page {page} of {pages} · {total} in all',
  'records.ivr': 'Pressed {keys}',
  'dir.0': 'Inbound',
  'dir.1': 'Outbound',
  'end.ok': 'Completed',
  'end.error': 'System error',
  'end.unconnected': 'Not connected',
  'end.blackList': 'Blocked',
  'end.ivrGiveUp': 'Hung up in IVR',
  'end.waitingGiveUp': 'Hung up in queue',
  'end.ringingGiveUp': 'Hung up while ringing',
  'end.noSeatOnline': 'No agent online',
  'end.notWorkTime': 'Out of hours',
  'end.ivrEnd': 'Ended in IVR',
  'end.unknown': 'Unknown',
  'end.notAnswer': 'No answer',
  'end.userReject': 'Rejected',
  'end.powerOff': 'Phone off',
  'end.numberNotExist': 'No such number',
  'end.busy': 'Busy',
  'end.outOfCredit': 'Out of credit',
  'end.operatorError': 'Line error',
  'end.callerCancel': 'Caller cancelled',
  'end.notInService': 'Out of service area',
  'end.clientError': 'Client error',

  'chats.title': 'Chat records',
  'chats.col.time': 'Started',
  'chats.col.customer': 'Customer',
  'chats.col.agent': 'Agent',
  'chats.col.group': 'Skill group',
  'chats.col.duration': 'Duration',
  'chats.col.end': 'End status',
  'chats.col.actions': 'Messages',
  'chats.empty': 'No chats in these days.',
  'chats.open': 'Show messages',
  'chats.hide': 'Hide messages',
  'chats.openOf': 'Show messages: {who}, {time}',
  'chats.hideOf': 'Hide messages: {who}, {time}',
  'chats.messagesTitle': 'Messages',
  'chats.noMessages': 'This chat has no messages.',
  'chats.customer': 'Customer',
  'chats.agent': 'Agent',
  'chats.system': 'System',
  'chats.page': 'Page {page} of {pages} · {total} in all',
  'imEnd.0': 'Other',
  'imEnd.1': 'Ended by the agent',
  'imEnd.3': 'No agent online',
  'imEnd.108': 'Visitor timed out',
  'imEnd.109': 'Ended by the visitor',
  'notice.joined': '{name} joined the chat',
  'notice.transferred': '{name} transferred the chat',
  'notice.left': '{name} left the chat',
  'notice.ended': 'The chat has ended.',

  errorCode: 'error code {code}',
  'error.NetworkError': 'The server cannot be reached; check the network and try again.',
  'error.HttpError': 'The server sent an answer the console does not understand.',
  'error.AuthFailure.UnauthorizedOperation': 'Your session has expired, or it may not do this.',
  'error.UnauthorizedOperation': 'The console may not do this.',
  'error.InvalidParameterValue.AccountExists': 'A staff member with this e-mail exists already.',
  'error.InvalidParameterValue.SkillGroupExists': 'A skill group with this name exists already.',
  'error.InvalidParameterValue.SkillGroupNotExist': 'The chosen skill group does not exist.',
  'error.InvalidParameterValue.NumberInUse': 'This number belongs to another app.',
  'error.ResourceNotFound': 'It does not exist; it may have been deleted.',
  'error.ResourceNotFound.Number': 'This service number does not exist; it may have been deleted.',
  'error.RequestLimitExceeded': 'Too many requests; try again in a moment.',
  'error.InternalError.DBError': 'The server’s storage is failing; nothing was changed. Try again later.',
  'error.InternalError': 'The server had an internal error; try again later.',
  'error.UnsupportedOperation': 'The server does not support this',
  'error.InvalidParameterValue': 'A value is not valid',
  'error.InvalidParameter': 'A parameter is not valid',
  'error.MissingParameter': 'A parameter is missing',
  'error.InvalidAction': 'The server has no such action',
  'error.ConsoleLinkInvalid': 'This sign-in link is not valid or has expired.',
  'error.ConsoleLinkUsed': 'This sign-in link has been used already.',
  'error.unknown': 'It did not work',
};

const WORDS = { 'zh-CN': zh, en };

// Codes whose server message says what exactly was wrong (which field, which value): shown after
// the localized text. For the others the localized text says it all.
const DETAILED = new Set([
  'InvalidParameterValue',
  'InvalidParameter',
  'MissingParameter',
  'UnsupportedOperation',
  'InvalidAction',
  'HttpError',
]);

let lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh-CN';
const listeners = [];

export function currentLang() {
  return lang;
}

/** The text of `key` in the current language, `{name}` placeholders filled from `values`. */
export function t(key, values = {}) {
  const text = WORDS[lang][key] ?? WORDS['zh-CN'][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (values[k] === undefined ? '' : String(values[k])));
}

/** Whether `key` has a text (used for codes and statuses the server may add later). */
export function has(key) {
  return Object.hasOwn(WORDS[lang], key);
}

/**
 * An error for people: the localized text for its code where there is one (plus the server's
 * message when that says which field), else the server's message; always with the code.
 */
export function errorText(err) {
  const code = (err && err.code) || 'unknown';
  const message = (err && err.message) || '';
  let text;
  if (has(`error.${code}`)) {
    text = t(`error.${code}`);
    if (DETAILED.has(code) && message) text += `${lang === 'en' ? ': ' : '：'}${message}`;
  } else {
    text = message || t('error.unknown');
  }
  const tail = lang === 'en' ? ` (${t('errorCode', { code })})` : `（${t('errorCode', { code })}）`;
  return code === 'unknown' ? text : text + tail;
}

/** Sets every static text of the page: [data-i18n] (text), [data-i18n-label] (aria-label), [data-i18n-placeholder]. */
export function applyStatic(root = document) {
  document.documentElement.lang = lang;
  document.title = t('docTitle');
  root.querySelectorAll('[data-i18n]').forEach((el) => {
    el.textContent = t(el.getAttribute('data-i18n'));
  });
  root.querySelectorAll('[data-i18n-label]').forEach((el) => {
    el.setAttribute('aria-label', t(el.getAttribute('data-i18n-label')));
  });
  root.querySelectorAll('[data-i18n-placeholder]').forEach((el) => {
    el.setAttribute('placeholder', t(el.getAttribute('data-i18n-placeholder')));
  });
}

/** Switches the language: the URL keeps it (?lang=en), every static text and listener follows. */
export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh-CN';
  const url = new URL(location.href);
  if (lang === 'en') url.searchParams.set('lang', 'en');
  else url.searchParams.delete('lang');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  applyStatic();
  for (const fn of listeners) fn(lang);
}

/** `fn(lang)` after every language switch: modules re-render what they built from data. */
export function onLanguage(fn) {
  listeners.push(fn);
}

const pad = (n) => String(n).padStart(2, '0');

/** Unix seconds (or ms with `ms`) as local "YYYY-MM-DD HH:MM:SS"; "—" for nothing. */
export function dateTime(value, ms = false) {
  if (!value) return t('none');
  const d = new Date(ms ? value : value * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local "HH:MM:SS" of Unix ms. */
export function clock(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Seconds as "M:SS" or "H:MM:SS". */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** A local date as the value of <input type=date>: "YYYY-MM-DD". */
export function dateInput(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
