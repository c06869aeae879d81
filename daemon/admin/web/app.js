// The admin page (SPEC §7): plain JavaScript over the /v1 API, no build step, no CDN.
'use strict';

const state = {
  token: localStorage.getItem('smppgw.token') || '',
  company: '',
  campaigns: [],
  nextBefore: null,
  chat: null,          // {phone, campaign}
  chatTimer: null,
  previewSeq: 0,
  me: null,            // GET /v1/me: {name, role, allowed: ["POST /v1/messages", ...]}
};

// Whether the signed-in user's role may call a route (as the API document spells it); the
// page hides what it may not, and the server answers 403 anyway.
const may = (method, path) => Boolean(state.me && state.me.allowed.includes(`${method} ${path}`));

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function fmtTime(iso) {
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// Calls the API with the bearer token; a 401 asks for the token again.
async function api(method, path, body, headers) {
  const opts = { method, headers: Object.assign({ Authorization: `Bearer ${state.token}` }, headers || {}) };
  if (body instanceof FormData) {
    opts.body = body;
  } else if (body !== undefined) {
    opts.body = JSON.stringify(body);
    opts.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, opts);
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('application/json')) data = await res.json();
  if (res.status === 401) {
    askToken('The token was not accepted. Paste the current admin token.');
    throw new ApiError(401, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return { data, headers: res.headers, status: res.status };
}

function notice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
}

// ---- Token ----

function askToken(message) {
  const err = $('token-error');
  err.textContent = message || '';
  err.hidden = !message;
  $('token-input').value = '';
  if (!$('token-dialog').open) $('token-dialog').showModal();
}

$('token-form').addEventListener('submit', () => {
  state.token = $('token-input').value.trim();
  localStorage.setItem('smppgw.token', state.token);
  start();
});
$('token-change').addEventListener('click', () => askToken());

// ---- Who is signed in ----

async function loadMe() {
  const { data } = await api('GET', '/v1/me');
  state.me = data;
  $('signed-in').textContent = `Signed in as ${data.name} (${data.role})`;
  $('manual-optout-open').hidden = !may('POST', '/v1/opt-outs');
  document.querySelector('.chat-compose').hidden = !may('POST', '/v1/messages');
}

// ---- Campaigns ----

async function loadCampaigns() {
  const { data, headers } = await api('GET', '/v1/campaigns');
  state.campaigns = data;
  state.company = headers.get('X-Company') || 'All campaigns';
  const filter = $('filter-campaign');
  const current = filter.value;
  filter.replaceChildren(el('option', { value: '' }, 'All campaigns'));
  const scope = $('optout-scope');
  // The default scope is the company name: every campaign, including later ones.
  scope.replaceChildren(el('option', { value: 'all' }, state.company));
  for (const c of data) {
    filter.append(el('option', { value: c.id }, `${c.name} (${c.short_code})`));
    scope.append(el('option', { value: c.id }, c.name));
  }
  filter.value = current;
}

function campaignName(id) {
  const c = state.campaigns.find((x) => x.id === id);
  return c ? c.name : (id || '—');
}

// ---- Inbox ----

async function loadInbox(more) {
  const params = new URLSearchParams();
  const campaign = $('filter-campaign').value;
  const phone = $('filter-phone').value.trim();
  if (campaign) params.set('campaign', campaign);
  if (phone) params.set('phone', phone);
  if ($('filter-flagged').checked) params.set('flag', 'possible_opt_out');
  params.set('limit', '50');
  if (more && state.nextBefore) params.set('before', String(state.nextBefore));
  let data;
  try {
    ({ data } = await api('GET', `/v1/inbox?${params}`));
  } catch (e) {
    if (e.status !== 401) notice(e.message);
    return;
  }
  notice('');
  const body = $('inbox-rows');
  if (!more) body.replaceChildren();
  for (const m of data.messages) body.append(inboxRow(m));
  state.nextBefore = data.next_before;
  $('inbox-older').hidden = data.next_before === null;
  $('inbox-empty').hidden = body.children.length > 0;
}

function inboxRow(m) {
  const menuCell = el('td', { class: 'menu-cell' });
  const toggle = el('button', { type: 'button', class: 'secondary menu-toggle', 'aria-haspopup': 'true' }, 'Menu');
  menuCell.append(toggle);
  toggle.addEventListener('click', (ev) => {
    ev.stopPropagation();
    closeMenus();
    const item = (label, action) => el('li', {},
      el('button', { type: 'button', role: 'menuitem', onclick: () => { closeMenus(); action(); } }, label));
    const menu = el('ul', { class: 'row-menu', role: 'menu' },
      item(may('POST', '/v1/messages') ? 'Start chat' : 'View chat', () => openChat(m.from, m.campaign)));
    if (may('POST', '/v1/messages')) menu.append(item('Message this profile', () => openReply(m)));
    if (may('POST', '/v1/inbox/{id}/opt-out')) menu.append(item('Opt out profile', () => confirmOptOut(m)));
    menuCell.append(menu);
    menu.querySelector('button').focus();
  });
  // A possible opt-out is highlighted with its one-click Opt out profile beside the menu.
  const flagged = m.kind === 'possible_opt_out';
  if (flagged) {
    menuCell.prepend(el('button', { type: 'button', class: 'flag-opt-out', onclick: () => confirmOptOut(m) }, 'Opt out profile'));
  }
  return el('tr', { 'data-id': String(m.id), class: flagged ? 'flagged' : '' },
    el('td', {}, fmtTime(m.received_at)),
    el('td', {}, m.from),
    el('td', {}, campaignName(m.campaign)),
    el('td', { class: 'text' }, m.text),
    el('td', {}, el('span', { class: `kind kind-${m.kind}` }, m.kind)),
    menuCell);
}

function closeMenus() {
  for (const m of document.querySelectorAll('.row-menu')) m.remove();
}
document.addEventListener('click', closeMenus);
document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeMenus(); });

$('inbox-filters').addEventListener('submit', (e) => { e.preventDefault(); loadInbox(false); });
$('inbox-refresh').addEventListener('click', () => loadInbox(false));
$('inbox-older').addEventListener('click', () => loadInbox(true));

// ---- Opt out profile ----

function confirmOptOut(m) {
  const dlg = $('confirm-dialog');
  $('confirm-text').textContent =
    `Opt ${m.from} out of ${campaignName(m.campaign)}? They will get no more texts from this campaign.`;
  dlg.returnValue = '';
  dlg.onclose = async () => {
    if (dlg.returnValue !== 'ok') return;
    try {
      const { data } = await api('POST', `/v1/inbox/${m.id}/opt-out`);
      notice(data.changed ? `${data.phone} is opted out of ${campaignName(data.campaign)}.`
                          : `${data.phone} was already opted out of ${campaignName(data.campaign)}.`);
      if (state.chat && state.chat.phone === data.phone) loadThread();
    } catch (e) {
      if (e.status !== 401) notice(e.message);
    }
  };
  dlg.showModal();
}

// ---- Remaining characters (the server's count: emoji and special characters cost what they cost) ----

async function preview(text, target) {
  const seq = ++state.previewSeq;
  try {
    const { data } = await api('POST', '/v1/messages/preview', { text });
    if (seq !== state.previewSeq) return;
    const parts = data.segments > 1 ? ` · ${data.segments} parts` : '';
    const enc = data.encoding === 'ucs2' ? ' · Unicode' : '';
    target.textContent = `${data.remaining} characters remaining${parts}${enc}`;
    target.classList.toggle('over', Boolean(data.too_long));
    if (data.too_long) target.textContent += ` · over the ${data.max_segments}-part limit`;
  } catch (e) {
    if (seq === state.previewSeq && e.status !== 401) target.textContent = e.message;
  }
}

function debounce(fn, ms) {
  let t = null;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

// ---- Chat ----

async function openChat(phone, campaign) {
  state.chat = { phone, campaign };
  $('chat').hidden = false;
  $('chat-phone').textContent = phone;
  $('chat-campaign').textContent = campaignName(campaign);
  $('chat-error').hidden = true;
  $('chat-text').value = '';
  preview('', $('chat-remaining'));
  await loadThread();
  clearInterval(state.chatTimer);
  state.chatTimer = setInterval(loadThread, 5000);
  $('chat-text').focus();
}

function closeChat() {
  state.chat = null;
  clearInterval(state.chatTimer);
  $('chat').hidden = true;
  $('emoji-picker').hidden = true;
}

async function loadThread() {
  if (!state.chat) return;
  const { phone, campaign } = state.chat;
  const q = campaign ? `?campaign=${encodeURIComponent(campaign)}` : '';
  try {
    const { data } = await api('GET', `/v1/conversations/${encodeURIComponent(phone)}${q}`);
    if (!state.chat || state.chat.phone !== phone) return;
    const list = $('chat-thread');
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 10;
    list.replaceChildren();
    for (const m of data.messages) {
      const meta = m.direction === 'out' ? `${fmtTime(m.at)} · ${m.status}` : fmtTime(m.at);
      list.append(el('li', { class: m.direction }, m.text, el('span', { class: 'meta' }, meta)));
    }
    const sub = data.subscriptions.find((s) => s.campaign === campaign);
    if (sub && sub.state === 'opted_out') {
      $('chat-campaign').textContent = `${campaignName(campaign)} · opted out`;
    }
    if (atBottom) list.scrollTop = list.scrollHeight;
  } catch (e) {
    if (e.status !== 401) showChatError(e.message);
  }
}

function showChatError(text) {
  $('chat-error').textContent = text;
  $('chat-error').hidden = !text;
}

async function sendChat() {
  const box = $('chat-text');
  const text = box.value;
  if (!text.trim() || !state.chat) return;
  $('chat-send').disabled = true;
  try {
    await api('POST', '/v1/messages', { to: state.chat.phone, campaign: state.chat.campaign, text });
    box.value = '';
    showChatError('');
    preview('', $('chat-remaining'));
    await loadThread();
    const list = $('chat-thread');
    list.scrollTop = list.scrollHeight;
  } catch (e) {
    if (e.status !== 401) showChatError(e.message);
  } finally {
    $('chat-send').disabled = false;
    box.focus();
  }
}

$('chat-send').addEventListener('click', sendChat);
$('chat-close').addEventListener('click', closeChat);
$('chat-text').addEventListener('keydown', (e) => {
  // ENTER sends; Shift+ENTER starts a new line.
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    sendChat();
  }
});
const chatPreview = debounce(() => preview($('chat-text').value, $('chat-remaining')), 150);
$('chat-text').addEventListener('input', chatPreview);

// ---- Emoji picker (window.SMPPGW_EMOJI from emoji-data.js) ----

// Accepts the shapes the generated data may take: [{name|names, aliases, emoji}],
// [[name, emoji]], or {name: emoji}.
function emojiList() {
  const data = window.SMPPGW_EMOJI;
  const out = [];
  if (!data) return out;
  const push = (names, emoji) => {
    const list = Array.isArray(names) ? names : [names];
    if (emoji && list.length && list[0]) out.push({ names: list.map(String), emoji: String(emoji) });
  };
  if (Array.isArray(data)) {
    for (const e of data) {
      if (Array.isArray(e)) push(e[0], e[1]);
      else if (e && typeof e === 'object') {
        const names = [].concat(e.names || e.shortcodes || e.name || e.shortcode || [], e.aliases || []);
        push(names, e.emoji || e.char || e.unicode);
      }
    }
  } else if (typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      if (typeof v === 'string') push(k, v);
      else if (v && typeof v === 'object') push(v.names || v.shortcodes || k, v.emoji || v.char);
    }
  }
  return out;
}

let emojiCache = null;
function renderEmoji(filter) {
  emojiCache = emojiCache || emojiList();
  const grid = $('emoji-grid');
  grid.replaceChildren();
  const f = (filter || '').toLowerCase().replace(/:/g, '');
  let shown = 0;
  for (const e of emojiCache) {
    if (f && !e.names.some((n) => n.includes(f))) continue;
    grid.append(el('button', { type: 'button', title: `:${e.names[0]}:`, onclick: () => insertEmoji(e.emoji) }, e.emoji));
    if (++shown >= 400) break;
  }
  if (!shown) grid.append(el('span', { class: 'muted' }, emojiCache.length ? 'No match' : 'No emoji data'));
}

function insertEmoji(emoji) {
  const box = $('chat-text');
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? box.value.length;
  box.value = box.value.slice(0, start) + emoji + box.value.slice(end);
  box.selectionStart = box.selectionEnd = start + emoji.length;
  box.focus();
  chatPreview();
}

$('emoji-toggle').addEventListener('click', () => {
  const p = $('emoji-picker');
  p.hidden = !p.hidden;
  if (!p.hidden) { renderEmoji($('emoji-search').value); $('emoji-search').focus(); }
});
$('emoji-search').addEventListener('input', debounce(() => renderEmoji($('emoji-search').value), 100));

// ---- Message this profile ----

function openReply(m) {
  const dlg = $('reply-dialog');
  $('reply-to').textContent = `To ${m.from} · ${campaignName(m.campaign)}`;
  $('reply-text').value = '';
  $('reply-error').hidden = true;
  preview('', $('reply-remaining'));
  dlg.returnValue = '';
  dlg.dataset.to = m.from;
  dlg.dataset.campaign = m.campaign || '';
  dlg.dataset.replyTo = String(m.id);
  dlg.showModal();
}

$('reply-text').addEventListener('input', debounce(() => preview($('reply-text').value, $('reply-remaining')), 150));
$('reply-form').addEventListener('submit', async (e) => {
  const dlg = $('reply-dialog');
  if (e.submitter && e.submitter.value === 'cancel') return;
  e.preventDefault();
  try {
    const { data } = await api('POST', '/v1/messages', {
      to: dlg.dataset.to, campaign: dlg.dataset.campaign, text: $('reply-text').value,
      reply_to: Number(dlg.dataset.replyTo),
    });
    dlg.close('sent');
    notice(`Reply queued to ${dlg.dataset.to} (message ${data.id}, ${data.segments} part${data.segments > 1 ? 's' : ''}).`);
  } catch (err) {
    if (err.status !== 401) {
      $('reply-error').textContent = err.message;
      $('reply-error').hidden = false;
    }
  }
});

// ---- Manual Opt-Out ----

$('manual-optout-open').addEventListener('click', () => {
  $('optout-result').hidden = true;
  $('optout-error').hidden = true;
  $('optout-dialog').showModal();
});
$('optout-close').addEventListener('click', () => $('optout-dialog').close());

$('optout-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData();
  const file = $('optout-file').files[0];
  if (file) form.append('file', file, file.name);
  form.append('phones', $('optout-phones').value);
  const scope = $('optout-scope').value;
  const button = $('optout-submit');
  button.disabled = true;
  $('optout-error').hidden = true;
  $('optout-result').hidden = true;
  try {
    const { data } = await api('POST', `/v1/opt-outs?campaign=${encodeURIComponent(scope)}`, form);
    showOptOutResult(data);
  } catch (err) {
    if (err.status !== 401) {
      $('optout-error').textContent = err.message;
      $('optout-error').hidden = false;
    }
  } finally {
    button.disabled = false;
  }
});

function showOptOutResult(r) {
  const counts = $('optout-counts');
  counts.replaceChildren();
  const rows = [
    ['Opted out of', r.scope === 'all' ? state.company : campaignName(r.scope)],
    ['Rows', r.rows], ['Opted out', r.opted_out], ['Already opted out', r.already_opted_out],
    ['Duplicates', r.duplicates], ['Rejected', r.invalid],
  ];
  for (const [k, v] of rows) counts.append(el('dt', {}, k), el('dd', {}, v));
  const table = $('optout-errors');
  const body = table.querySelector('tbody');
  body.replaceChildren();
  for (const x of r.errors) body.append(el('tr', {}, el('td', {}, x.row), el('td', {}, x.value), el('td', {}, x.reason)));
  table.hidden = r.errors.length === 0;
  $('optout-result').hidden = false;
}

// ---- Start ----

async function start() {
  if (!state.token) {
    askToken();
    return;
  }
  try {
    await loadMe();
    await loadCampaigns();
  } catch (e) {
    if (e.status !== 401) notice(e.message);
    return;
  }
  await loadInbox(false);
}

start();
