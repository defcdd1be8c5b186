/**
 * The digest and postcode settings are checked at start-up like every other, and every setting the schema reads is
 * documented in .env.example.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, configSchema, loadConfig } from '../bot/config';

const NOTIFY_KEY = 'hub_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('digest and postcode configuration', () => {
  it('when nothing is set, then digests are off, no email service is chosen, and postcodes come from the table', () => {
    const config = loadConfig({});
    assert.deepEqual(
      [config.DIGEST_SCHEDULE, config.SMTP_URL, config.NOTIFY_API_KEY, config.ADMIN_API_TOKEN, config.POSTCODE_LOOKUP, config.POSTCODES_IO_URL],
      ['off', undefined, undefined, undefined, 'table', undefined],
    );
  });

  it('when SMTP and Notify are both set, or either lacks its companion setting, then start-up stops naming it', () => {
    assert.deepEqual(problems({ SMTP_URL: 'smtp://mail.example.gov.uk', DIGEST_FROM: 'hub@example.gov.uk', NOTIFY_API_KEY: NOTIFY_KEY, NOTIFY_TEMPLATE_ID: 'f33517ff-2a88-4f6e-b855-c550268ce08a' }), [
      'NOTIFY_API_KEY cannot be set together with SMTP_URL: choose one way to send digest emails',
    ]);
    assert.match(problems({ SMTP_URL: 'smtp://mail.example.gov.uk' }).join(), /^DIGEST_FROM is required with SMTP_URL/);
    assert.match(problems({ NOTIFY_API_KEY: NOTIFY_KEY }).join(), /^NOTIFY_TEMPLATE_ID is required with NOTIFY_API_KEY/);
    assert.match(problems({ SMTP_URL: 'http://mail.example.gov.uk', DIGEST_FROM: 'x' }).join(), /^SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
    assert.match(problems({ ADMIN_API_TOKEN: 'short' }).join(), /^ADMIN_API_TOKEN must be at least 32 characters/);
    assert.match(problems({ DIGEST_SCHEDULE: 'yes' }).join(), /^DIGEST_SCHEDULE/);
    assert.match(problems({ POSTCODE_LOOKUP: 'google' }).join(), /^POSTCODE_LOOKUP/);
  });

  it('when .env.example is read, then it documents every setting the configuration reads', () => {
    const example = readFileSync(path.join(__dirname, '..', '.env.example'), 'utf8');
    const missing = Object.keys(configSchema.shape).filter((key) => !new RegExp(`^#? ?${key}=`, 'm').test(example));
    assert.deepEqual(missing, []);
  });
});
