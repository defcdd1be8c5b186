// The staff console's only script: GOV.UK Frontend's components, and live queue updates over server-sent events.
// Everything works without it; it only saves a reload.
import { initAll } from './govuk-frontend.min.js';

initAll();

const results = document.getElementById('queue-results');
if (results && 'EventSource' in window) {
  const live = document.getElementById('hub-live');
  const note = document.getElementById('hub-live-note');
  let timer = null;
  let message = null;

  const refresh = async () => {
    const announce = message;
    message = null;
    // Replacing the table under someone's keyboard focus would move them without warning, so then only say so.
    if (results.contains(document.activeElement) && document.activeElement !== document.body) {
      if (announce) show(`${announce}. Move out of the table or reload the page to see it.`);
      return;
    }
    const res = await fetch(results.dataset.fragmentUrl, { credentials: 'same-origin', headers: { accept: 'text/html' } });
    if (!res.ok) return;
    results.innerHTML = await res.text();
    if (announce) show(announce);
  };

  const show = (text) => {
    live.textContent = text;
    note.textContent = text;
    note.hidden = false;
  };

  const schedule = (text) => {
    if (text) message = message && message !== text ? 'New referrals have arrived' : text;
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  };

  const source = new EventSource('/api/hub/events');
  source.addEventListener('referral.created', (event) => {
    const data = JSON.parse(event.data);
    schedule(data.urgent ? `New urgent referral ${data.reference}` : `New referral ${data.reference}`);
  });
  source.addEventListener('referral.updated', () => schedule(null));
  source.addEventListener('safeguarding.alert', (event) => {
    const data = JSON.parse(event.data);
    const by = data.channel === 'sms' ? 'by text' : 'in web chat';
    show(`Safeguarding alert: a resident ${by} may be at risk and has been given the crisis lines. A referral from them will be urgent.`);
  });
  // Events reach only the instance a change happened on; a slow refresh covers the others.
  setInterval(() => schedule(null), 60_000);
}

// A live chat (issue 9): the resident's messages arrive as server-sent events and are added to the transcript,
// which is an ARIA live region, so screen readers announce them. Lines already on the page are not repeated.
const transcript = document.getElementById('handoff-transcript');
if (transcript && transcript.dataset.streamUrl && 'EventSource' in window) {
  const seen = new Set([...transcript.querySelectorAll('[data-seq]')].map((li) => li.dataset.seq));
  const labels = { resident: 'Resident', bot: 'Bot', system: 'Notice', worker: 'Hub worker' };
  const add = (line) => {
    if (seen.has(String(line.seq))) return;
    seen.add(String(line.seq));
    document.getElementById('handoff-empty')?.remove();
    const li = document.createElement('li');
    li.className = `hub-note hub-chat__line hub-chat__line--${line.from}`;
    li.dataset.seq = String(line.seq);
    const meta = document.createElement('p');
    meta.className = 'govuk-body-s hub-note__meta';
    meta.textContent = `${labels[line.from] ?? 'Hub worker'}, ${new Date(line.at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`;
    const text = document.createElement('p');
    text.className = 'govuk-body hub-note__text';
    text.textContent = line.text;
    li.append(meta, text);
    transcript.append(li);
  };
  const chat = new EventSource(transcript.dataset.streamUrl);
  chat.addEventListener('message', (event) => add(JSON.parse(event.data).line));
  chat.addEventListener('safeguarding', () => {
    const alert = document.getElementById('handoff-alert');
    if (alert) alert.hidden = false;
  });
  chat.addEventListener('ended', () => chat.close());
}

// The live chats list: say when someone new is waiting (a reload shows them).
const handoffNote = document.getElementById('handoff-live-note');
if (handoffNote && 'EventSource' in window) {
  const events = new EventSource('/api/hub/events');
  const say = (text) => {
    handoffNote.textContent = text;
    handoffNote.hidden = false;
  };
  events.addEventListener('handoff.waiting', (event) => {
    const data = JSON.parse(event.data);
    say(`${data.urgent ? 'An urgent resident' : 'A resident'} is waiting to talk to a person. Reload the page to see them.`);
  });
  events.addEventListener('handoff.alert', () => say('Safeguarding alert in a live chat: a resident may be at risk.'));
}
