// SPDX-License-Identifier: Apache-2.0
// The operator console's entry: signs in with the one-time link in the URL's fragment (which it
// removes from the address bar and history before anything else), or finds the session the cookie
// already holds; shows the header (app, session, language, sign-out) and the five tabs, and goes
// back to the sign-in screen whenever the server says the session is gone.
import { ApiError, currentSession, onUnauthorized, signIn, signOut } from './console-api.js';
import { $, clearMessages, closeDialog } from './dom.js';
import { applyStatic, errorText, onLanguage, setLang, currentLang, t } from './i18n.js';
import { reset as resetDirectory } from './directory.js';
import * as staffView from './staff.js';
import * as groupsView from './groups.js';
import * as numbersView from './numbers.js';
import * as recordsView from './records.js';
import * as chatsView from './chats.js';

// The link is a credential: out of the address bar (and so out of history, bookmarks and any
// later Referer) before the page does anything else with it.
function takeLink() {
  const hash = location.hash.replace(/^#/, '');
  if (!hash) return '';
  history.replaceState(history.state, '', location.pathname + location.search);
  return new URLSearchParams(hash).get('link') || '';
}
const link = takeLink();

const VIEWS = { staff: staffView, groups: groupsView, numbers: numbersView, records: recordsView, chats: chatsView };
const TAB_KEY = 'tccc-console-tab';
let session = null;
let signInState = { reason: 'needLink', error: null };
let current = '';

// --- header ---------------------------------------------------------------------------------------

function renderHeader() {
  $('lang').textContent = t('lang');
  $('lang').lang = currentLang() === 'en' ? 'zh-CN' : 'en';
  $('lang').title = t('langLabel');
  $('app-line').hidden = $('who').hidden = $('sign-out').hidden = !session;
  if (!session) return;
  $('app-line').textContent = t('appLine', { name: session.appName || t('none'), id: session.sdkAppId });
  // expiresAtMs moves with every request (an idle timeout): no time to show that would stay true.
  $('who').textContent = t('signedIn');
}

// --- sign-in screen -------------------------------------------------------------------------------

const SIGNIN_TEXT = {
  needLink: 'signin.needLink',
  signingIn: 'signin.signingIn',
  used: 'signin.used',
  invalid: 'signin.invalid',
  expired: 'signin.expired',
  signedOut: 'signin.signedOut',
};

function renderSignIn() {
  const { reason, error } = signInState;
  const message = $('signin-message');
  message.setAttribute('data-reason', reason);
  message.textContent = reason === 'failed' ? t('signin.failed', { error: errorText(error) }) : t(SIGNIN_TEXT[reason]);
  message.classList.toggle('cc-bad', reason === 'used' || reason === 'invalid' || reason === 'failed');
  $('signin-how').hidden = reason === 'signingIn';
}

function showSignIn(reason, error = null) {
  session = null;
  signInState = { reason, error };
  for (const d of document.querySelectorAll('dialog[open]')) closeDialog(d);
  $('loading').hidden = true;
  $('workspace').hidden = true;
  $('signin').hidden = false;
  renderSignIn();
  renderHeader();
}

function reasonOf(e) {
  if (e instanceof ApiError && e.code === 'ConsoleLinkUsed') return 'used';
  if (e instanceof ApiError && e.code === 'ConsoleLinkInvalid') return 'invalid';
  return 'failed';
}

// --- tabs -----------------------------------------------------------------------------------------

const tabs = () => [...$('tabs').querySelectorAll('[role=tab]')];

function selectTab(name, focus = false) {
  if (!VIEWS[name]) name = 'staff';
  current = name;
  try {
    sessionStorage.setItem(TAB_KEY, name);
  } catch {
    // storage off (private mode): the tab is just not remembered
  }
  for (const tab of tabs()) {
    const on = tab.getAttribute('data-tab') === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(tab.getAttribute('aria-controls')).hidden = !on;
    if (on && focus) tab.focus();
  }
  clearMessages();
  VIEWS[name].show();
}

$('tabs').addEventListener('click', (e) => {
  const tab = e.target.closest('[role=tab]');
  if (tab) selectTab(tab.getAttribute('data-tab'));
});

// Arrow keys move between the tabs (and show each), Home and End jump to the ends.
$('tabs').addEventListener('keydown', (e) => {
  const list = tabs();
  const at = list.findIndex((tab) => tab.getAttribute('data-tab') === current);
  let next = -1;
  if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = (at + 1) % list.length;
  else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = (at - 1 + list.length) % list.length;
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = list.length - 1;
  if (next < 0) return;
  e.preventDefault();
  selectTab(list[next].getAttribute('data-tab'), true);
});

// --- session --------------------------------------------------------------------------------------

function enter(s) {
  session = s;
  $('loading').hidden = true;
  $('signin').hidden = true;
  $('workspace').hidden = false;
  renderHeader();
  selectTab(savedTab() || 'staff');
}

function savedTab() {
  try {
    return sessionStorage.getItem(TAB_KEY) || '';
  } catch {
    return '';
  }
}

function forget() {
  resetDirectory();
  for (const view of Object.values(VIEWS)) view.reset();
  current = '';
}

onUnauthorized(() => {
  if (!session) return;
  forget();
  showSignIn('expired');
});

$('sign-out').addEventListener('click', async () => {
  $('sign-out').disabled = true;
  try {
    await signOut();
  } catch {
    // The cookie is dropped by the server or expires by itself; the page forgets it either way.
  } finally {
    $('sign-out').disabled = false;
  }
  forget();
  showSignIn('signedOut');
});

$('lang').addEventListener('click', () => setLang(currentLang() === 'en' ? 'zh-CN' : 'en'));
onLanguage(() => {
  renderHeader();
  if (!$('signin').hidden) renderSignIn();
});

async function signInWith(token) {
  forget();
  showSignIn('signingIn');
  try {
    enter(await signIn(token));
  } catch (e) {
    showSignIn(reasonOf(e), e);
  }
}

// A new link pasted into this tab's address bar changes only the fragment: no reload, so it is
// taken here.
window.addEventListener('hashchange', () => {
  const token = takeLink();
  if (token) signInWith(token);
});

async function start() {
  applyStatic();
  renderHeader();
  if (link) {
    await signInWith(link);
    return;
  }
  try {
    const s = await currentSession();
    if (s) enter(s);
    else showSignIn('needLink');
  } catch (e) {
    showSignIn('failed', e);
  }
}

start();
