import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { hashSecret, LOCAL_SECRET_FILE } from '../bot/localSecrets';
import { tempDataDir } from './support/testApp';

describe('the local hash secret (no HASH_SECRET set)', () => {
  it('when HASH_SECRET is set, then it is used and no file is written', () => {
    const dir = tempDataDir();
    assert.equal(hashSecret('x'.repeat(40), dir), 'x'.repeat(40));
    assert.equal(fs.existsSync(path.join(dir, LOCAL_SECRET_FILE)), false);
  });

  it('when started twice on one data directory, then both get the same secret, kept in a private file', () => {
    const dir = tempDataDir();
    const first = hashSecret(undefined, dir);
    const second = hashSecret(undefined, dir);
    assert.equal(first, second);
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(fs.statSync(path.join(dir, LOCAL_SECRET_FILE)).mode & 0o777, 0o600);
  });

  it('when the file already exists (another process won the race), then its secret is read instead of failing', () => {
    const dir = tempDataDir();
    fs.writeFileSync(path.join(dir, LOCAL_SECRET_FILE), 'b'.repeat(64));
    assert.equal(hashSecret(undefined, dir), 'b'.repeat(64));
  });

  it('when the file holds something too short to be a secret, then it refuses with a message naming the file', () => {
    const dir = tempDataDir();
    fs.writeFileSync(path.join(dir, LOCAL_SECRET_FILE), 'short');
    assert.throws(() => hashSecret(undefined, dir), /local-secret does not hold a secret/);
  });
});
