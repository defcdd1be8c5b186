/**
 * A conversation survives a restart: the state is in the store, not in the process.
 */
import assert from 'node:assert/strict';
import { BotClient } from './support/botClient';
import { startTestApp, tempDataDir } from './support/testApp';
import { play, referenceIn } from './support/transcript';

describe('restart', () => {
  it('when the server stops half-way through a journey and starts again on the same data, then the resident finishes where they were', async () => {
    const dataDir = tempDataDir();
    const first = await startTestApp({ dataDir });
    const conversationId = 'restart-conversation';
    await play(new BotClient(first.url, { conversationId }), [
      ['I want to report anti-social behaviour', /What kind of problem/],
      ['Vehicles', /Where/],
      ['Car park behind the leisure centre', /When/],
    ]);
    await first.stop();

    const second = await startTestApp({ dataDir });
    try {
      const client = new BotClient(second.url, { conversationId });
      await play(client, [
        ['It keeps happening', /How often/],
        ['every weekend', /danger/],
        ['no', /describe/],
        ['Off-road bikes racing round at night', /anonymously/],
        ['anonymous', /Do you agree/],
        ['yes', [/Where: Car park behind the leisure centre/, /Problem: Vehicles/]],
      ]);
      const referral = await second.app.store.referrals.getByReference(referenceIn(await client.say('yes')));
      assert.ok(referral && referral.answers.kind === 'asb');
      assert.equal(referral.answers.frequency, 'weekly');
      assert.equal(referral.answers.location, 'Car park behind the leisure centre');
    } finally {
      await second.stop();
    }
  });

  it('when the same message arrives twice (a client retrying a post it got no answer to), then it gets the same replies and the journey does not move on', async () => {
    const t = await startTestApp();
    try {
      const client = new BotClient(t.url);
      await play(client, [['I want to report anti-social behaviour', /What kind of problem/]]);
      const retried = { id: 'retried-activity-1', type: 'message', text: 'Vehicles' };
      const texts = (body: unknown) => ((body as { activities?: { type: string; text?: string }[] }).activities ?? []).filter((a) => a.type === 'message').map((a) => a.text);
      const first = await client.post(retried);
      const again = await client.post(retried);
      assert.equal(first.status, 200);
      assert.equal(again.status, 200);
      assert.match(texts(first.body).join('\n'), /Where/);
      assert.deepEqual(texts(again.body), texts(first.body));
      // Still at "where": a fresh message is taken as the place, not as an answer to a later question.
      await play(client, [['Car park behind the leisure centre', /When/]]);
    } finally {
      await t.stop();
    }
  });
});
