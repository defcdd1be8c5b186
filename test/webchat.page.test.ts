/**
 * The resident chat page over HTTP: what it says, the council details in it, its security headers, and Web Chat's
 * bundle served from node_modules with long cache headers.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { contentSecurityPolicy, renderPage, WebChatBundle } from '../bot/webchat/page';
import * as wording from '../dialogs/wording';
import { rotherhamWithTestPostcodes, startTestApp, type TestApp } from './support/testApp';

const TEMPLATE = fs.readFileSync(path.join(__dirname, '..', 'web', 'chat', 'index.html'), 'utf8');

describe('resident chat page', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  it('GET / serves the page with the council, the hub contact, the privacy note and Web Chat from this server', async () => {
    const res = await fetch(`${t.url}/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await res.text();
    assert.match(html, /<html lang="en-GB">/);
    assert.match(html, /<title>Chat with the Rotherham Community Hub – Rotherham Metropolitan Borough Council<\/title>/);
    assert.match(html, /<a href="tel:\+441144960000">0114 496 0000<\/a> \(Monday to Friday, 9am to 5pm; Thursday until 7pm\)/);
    assert.match(html, /<h2 id="privacy">How we use your information<\/h2>/);
    assert.match(html, /If you or someone else is in danger, call 999/);
    assert.match(html, /<script src="\/webchat\/\d+\.\d+\.\d+\/webchat\.js" defer><\/script>/);
    assert.doesNotMatch(html, /\{\{|\}\}/, 'every placeholder is filled');
    assert.doesNotMatch(html, /cdn\.botframework\.com|unpkg|jsdelivr/);
  });

  it("when the council's retention settings change, then the privacy wording on the page, in the chat and by text follows them", () => {
    const rotherham = rotherhamWithTestPostcodes();
    const page = (profile: typeof rotherham) => renderPage(TEMPLATE, { profile, nonce: 'n', webChatScript: '/w.js', chatScript: '/c.js', chatStyles: '/c.css' });
    const say = (profile: typeof rotherham) =>
      [page(profile), wording.councilText(profile, 'consent.privacyNotice'), wording.councilText(profile, 'sms.privacyNotice')];

    // Rotherham's profile: referrals anonymised after 24 months, chat logs deleted after 30 days.
    for (const text of say(rotherham)) {
      assert.match(text, /2 years after your request is closed, then remove anything that identifies you/);
      assert.doesNotMatch(text, /two years|delete them|up to/);
    }
    assert.match(page(rotherham), /The record of this chat itself is deleted 30 days after it was last used/);

    const other = { ...rotherham, retention: { ...rotherham.retention, closedReferralMonths: 18, closedReferralAction: 'erase' as const, directLineLogDays: 7 } };
    for (const text of say(other)) {
      assert.match(text, /18 months after your request is closed, then delete them/);
      assert.doesNotMatch(text, /2 years|identifies you/);
    }
    assert.match(page(other), /deleted 7 days after it was last used/);
  });

  it('when the page is served, then it has no inline script and a CSP that allows only this server, with a fresh nonce each time', async () => {
    const first = await fetch(`${t.url}/`);
    const second = await fetch(`${t.url}/`);
    const html = await first.text();
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\bsrc="\/[^"]+"/, `inline script: ${tag}`);
    assert.doesNotMatch(html, /\son[a-z]+="/i, 'no inline event handlers');

    const csp = first.headers.get('content-security-policy') ?? '';
    assert.match(csp, /(^|; )default-src 'none'(;|$)/);
    assert.match(csp, /(^|; )script-src 'self'(;|$)/);
    assert.match(csp, /(^|; )connect-src 'self'(;|$)/);
    assert.match(csp, /(^|; )frame-ancestors 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce);
    assert.ok(html.includes(`nonce="${nonce}"`), 'the page script carries the nonce Web Chat gives its styles');
    assert.notEqual(second.headers.get('content-security-policy'), csp);

    assert.equal(first.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(first.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(first.headers.get('cache-control'), 'no-store');
  });

  it('when Web Chat’s bundle is requested, then it is botframework-webchat’s own dist/webchat.js, cached for a year and gzipped on request', async () => {
    const bundle = new WebChatBundle();
    const expected = fs.readFileSync(path.join(path.dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js'));
    const plain = await fetch(`${t.url}${bundle.path}`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(plain.headers.get('content-type'), 'application/javascript; charset=utf-8');
    assert.ok(Buffer.from(await plain.arrayBuffer()).equals(expected));

    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      // fetch decompresses by itself; node:http shows what was on the wire.
      void import('node:http').then(({ get }) =>
        get(`${t.url}${bundle.path}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }).on('error', reject),
      );
    });
    assert.equal(raw.encoding, 'gzip');
    assert.ok(raw.body.length < expected.length / 3, `gzipped ${raw.body.length} of ${expected.length} bytes`);
    assert.ok(gunzipSync(raw.body).equals(expected));

    const etag = plain.headers.get('etag') ?? '';
    const again = await fetch(`${t.url}${bundle.path}`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  it('when the page’s own script and styles are requested by their hashed URL, then they are cached for a year; without it, revalidated', async () => {
    const html = await (await fetch(`${t.url}/`)).text();
    for (const url of [/src="(\/chat\/chat\.js\?v=[^"]+)"/.exec(html)?.[1], /href="(\/chat\/chat\.css\?v=[^"]+)"/.exec(html)?.[1]]) {
      assert.ok(url);
      const res = await fetch(`${t.url}${url}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    }
    assert.equal((await fetch(`${t.url}/chat/chat.js`)).headers.get('cache-control'), 'no-cache');
    assert.equal((await fetch(`${t.url}/chat/other.js`)).status, 404);
  });

  it('when council details contain HTML, then the page shows them as text', () => {
    const profile = rotherhamWithTestPostcodes();
    const html = renderPage(TEMPLATE, {
      profile: { ...profile, name: 'Council <script>alert(1)</script> & "Partners"' },
      nonce: 'n',
      webChatScript: '/w.js',
      chatScript: '/c.js',
      chatStyles: '/c.css',
    });
    assert.ok(html.includes('Council &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Partners&quot;'));
    assert.doesNotMatch(html, /<script>alert/);
  });

  it('when the template names a field the page does not know, then rendering fails loudly', () => {
    assert.throws(
      () => renderPage('<p>{{nope}}</p>', { profile: rotherhamWithTestPostcodes(), nonce: 'n', webChatScript: '', chatScript: '', chatStyles: '' }),
      /unknown field \{\{nope\}\}/,
    );
  });

  it('when Azure’s Direct Line is used, then the CSP lets the page reach it over HTTPS and WSS and nowhere else', () => {
    const csp = contentSecurityPolicy({ nonce: 'n', directLineOrigin: 'https://europe.directline.botframework.com' });
    assert.match(csp, /connect-src 'self' https:\/\/europe\.directline\.botframework\.com wss:\/\/europe\.directline\.botframework\.com(;|$)/);
  });
});
