/**
 * Which address the staff console believes is the client's, for sign-in throttling and the audit log: the socket's
 * peer, or behind HUB_TRUST_PROXY = N trusted proxies the Nth X-Forwarded-For entry from the right. A client can
 * send its own X-Forwarded-For; proxies append to it, so whatever it put on the left must not count.
 */
import assert from 'node:assert/strict';
import { loadConfig } from '../bot/config';
import { forwardedClient } from '../bot/routes/hubHttp';
import { ADDRESS_ATTEMPTS } from '../services/hub/staffService';
import { HubClient } from './support/hubClient';
import { startTestApp, type TestApp } from './support/testApp';

/** A sign-in with a wrong password for an unknown account, as a client behind the given X-Forwarded-For. */
async function failedSignIn(t: TestApp, forwardedFor: string | null, n: number): Promise<number> {
  const client = new HubClient(t.url);
  const headers: Record<string, string> = forwardedFor === null ? {} : { 'x-forwarded-for': forwardedFor };
  const session = await client.request<{ csrfToken: string }>('GET', '/api/hub/session', { headers });
  const res = await client.request('POST', '/api/hub/session', { json: { email: `guess-${n}@example.org`, password: 'guess' }, csrf: session.body.csrfToken, headers });
  return res.status;
}

async function auditedAddresses(t: TestApp): Promise<(string | null)[]> {
  return (await t.app.store.audit.list({ action: 'hub.session.sign-in-failed' })).map((entry) => (entry.detail['ip'] as string | null | undefined) ?? null);
}

describe('the client address behind a proxy', () => {
  describe('reading X-Forwarded-For', () => {
    it('when no proxy is trusted, then the header is ignored', () => {
      assert.equal(forwardedClient('198.51.100.7', 0), null);
    });

    it('when one proxy is trusted, then the right-most entry is the client, whatever the client put to its left', () => {
      assert.equal(forwardedClient('198.51.100.7', 1), '198.51.100.7');
      assert.equal(forwardedClient('10.0.0.1, 203.0.113.9, 198.51.100.7', 1), '198.51.100.7');
      assert.equal(forwardedClient(['1.1.1.1', '198.51.100.7'], 1), '198.51.100.7', 'repeated headers are one list, in order');
    });

    it('when N proxies are trusted, then the Nth entry from the right is the client', () => {
      const header = '10.9.9.9, 198.51.100.7, 192.0.2.10, 192.0.2.20';
      assert.equal(forwardedClient(header, 2), '192.0.2.10');
      assert.equal(forwardedClient(header, 3), '198.51.100.7');
    });

    it('when the list is shorter than the hops trusted, then its left-most entry; when empty, the socket address', () => {
      assert.equal(forwardedClient('198.51.100.7, 192.0.2.10', 3), '198.51.100.7');
      assert.equal(forwardedClient(' , ', 1), null);
      assert.equal(forwardedClient(undefined, 1), null);
    });

    it('when the entry carries a port, then only the address is kept; when it is not an address, the socket address is used', () => {
      assert.equal(forwardedClient('198.51.100.7:53122', 1), '198.51.100.7');
      assert.equal(forwardedClient('[2001:db8::1]:53122', 1), '2001:db8::1');
      assert.equal(forwardedClient('2001:db8::1', 1), '2001:db8::1');
      assert.equal(forwardedClient('unknown', 1), null);
      assert.equal(forwardedClient('198.51.100.7, <script>', 1), null);
    });
  });

  describe('HUB_TRUST_PROXY', () => {
    it('when it is a number of hops, then that many; true still means one proxy and false none', () => {
      assert.equal(loadConfig({}).HUB_TRUST_PROXY, 0);
      assert.equal(loadConfig({ HUB_TRUST_PROXY: '2' }).HUB_TRUST_PROXY, 2);
      assert.equal(loadConfig({ HUB_TRUST_PROXY: 'true' }).HUB_TRUST_PROXY, 1);
      assert.equal(loadConfig({ HUB_TRUST_PROXY: 'false' }).HUB_TRUST_PROXY, 0);
      assert.throws(() => loadConfig({ HUB_TRUST_PROXY: 'yes' }), /HUB_TRUST_PROXY must be the number of trusted proxy hops/);
      assert.throws(() => loadConfig({ HUB_TRUST_PROXY: '-1' }), /HUB_TRUST_PROXY/);
    });
  });

  describe('sign-in throttling', () => {
    let t: TestApp | undefined;
    afterEach(async () => {
      await t?.stop();
      t = undefined;
    });

    it('when a client behind one trusted proxy changes its own X-Forwarded-For entries, then it is still throttled as one address', async () => {
      t = await startTestApp({ env: { HUB_TRUST_PROXY: '1' } });
      const statuses: number[] = [];
      // The proxy appends 198.51.100.7 (where it saw the client come from); the client makes up a new left part each time.
      for (let i = 0; i <= ADDRESS_ATTEMPTS; i += 1) statuses.push(await failedSignIn(t, `203.0.113.${i}, 198.51.100.7`, i));
      const other = await failedSignIn(t, '203.0.113.1, 198.51.100.8', 99);

      assert.deepEqual(statuses.slice(0, ADDRESS_ATTEMPTS), Array(ADDRESS_ATTEMPTS).fill(401));
      assert.equal(statuses[ADDRESS_ATTEMPTS], 429, 'the spoofed entries did not buy another attempt');
      assert.equal(other, 401, 'a different client behind the same proxy is not throttled');
      const addresses = await auditedAddresses(t);
      assert.equal(addresses.filter((ip) => ip === '198.51.100.7').length, ADDRESS_ATTEMPTS + 1);
      assert.equal(addresses.filter((ip) => ip?.startsWith('203.0.113.')).length, 0, 'no made-up address reaches the audit log');
    });

    it('when two proxies are trusted, then the address the outer one saw is the one throttled and audited', async () => {
      t = await startTestApp({ env: { HUB_TRUST_PROXY: '2' } });
      // client-sent, then what the outer proxy (e.g. Front Door) saw, then what the inner one (the ingress) saw.
      const statuses: number[] = [];
      for (let i = 0; i <= ADDRESS_ATTEMPTS; i += 1) statuses.push(await failedSignIn(t, `10.${i}.0.1, 198.51.100.7, 192.0.2.${i % 3}`, i));

      assert.equal(statuses[ADDRESS_ATTEMPTS - 1], 401);
      assert.equal(statuses[ADDRESS_ATTEMPTS], 429);
      assert.deepEqual(new Set(await auditedAddresses(t)), new Set(['198.51.100.7']));
    });

    it('when no proxy is trusted, then X-Forwarded-For is ignored and the socket address is used', async () => {
      t = await startTestApp();
      for (let i = 0; i <= ADDRESS_ATTEMPTS; i += 1) await failedSignIn(t, `198.51.100.${i}`, i);

      const addresses = new Set(await auditedAddresses(t));
      assert.equal(addresses.size, 1);
      assert.match([...addresses][0] ?? '', /^(::ffff:)?127\.0\.0\.1$|^::1$/);
      assert.equal(await failedSignIn(t, '198.51.100.200', 200), 429);
    });
  });
});
