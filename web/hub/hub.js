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
