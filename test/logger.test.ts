/**
 * The log is the last place personal data could leak: fields with sensitive names are censored, and any other
 * string that holds a UK phone number, postcode, email, NI or NHS number or date of birth is redacted by content.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../services/logger';

function capture(): { lines: () => Record<string, unknown>[]; raw: () => string; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const raw = (): string => chunks.join('');
  return { stream, raw, lines: () => raw().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('when a field with a sensitive name is logged, then it is censored', () => {
    const out = capture();
    createLogger({ destination: out.stream }).info({ text: 'I feel lonely', phone: '07700 900123' }, 'turn');
    const [line] = out.lines();
    assert.equal(line?.text, '[redacted]');
    assert.equal(line?.phone, '[redacted]');
  });

  it('when personal data slips into a field with an innocent name, then its content is redacted', () => {
    const out = capture();
    createLogger({ destination: out.stream }).warn(
      { note: 'ring 07700 900123', detail: { where: 'S60 1AE', list: ['jo@example.org'] }, count: 3 },
      'resident at S60 1AE asked for a call on 01709 123456',
    );
    const [line] = out.lines();
    assert.equal(line?.note, 'ring [phone]');
    assert.deepEqual(line?.detail, { where: '[postcode]', list: ['[email]'] });
    assert.equal(line?.count, 3);
    assert.equal(line?.msg, 'resident at [postcode] asked for a call on [phone]');
  });

  it('when an error is logged, then its message and stack are redacted and extra properties are dropped', () => {
    const out = capture();
    const err = Object.assign(new Error('could not send to 07700 900123'), { request: { body: 'I want to kill myself' } });
    createLogger({ destination: out.stream }).error({ err }, 'send failed');
    const raw = out.raw();
    assert.doesNotMatch(raw, /07700 900123/);
    assert.doesNotMatch(raw, /kill myself/);
    const [line] = out.lines();
    assert.equal((line?.err as { message?: string }).message, 'could not send to [phone]');
  });

  it('leaves opaque ids alone even when they contain long runs of digits', () => {
    const out = capture();
    const conversationId = 'a07700900123456789b';
    createLogger({ destination: out.stream }).info({ conversationId, referralId: '01709123456' }, 'ok');
    const [line] = out.lines();
    assert.equal(line?.conversationId, conversationId);
    assert.equal(line?.referralId, '01709123456');
  });
});
