/**
 * The resident chat page and its files: the HTML template filled from the council profile, our own script and
 * styles, and Microsoft's Web Chat bundle from node_modules (served by us, not a CDN, so the page works on a closed
 * network and the council knows exactly which code residents run).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzip } from 'node:zlib';
import { openingHoursText } from '../../services/council/loadProfile';
import type { CouncilProfile } from '../../services/council/types';
import { retention } from '../../dialogs/wording';
import { fromRoot } from '../../services/paths';

export const WEB_CHAT_DIR = fromRoot('web', 'chat');

export interface Asset {
  body: Buffer;
  contentType: string;
  /** Content hash: the URL carries it, so the file can be cached for a year. */
  hash: string;
  gzipped?: Promise<Buffer>;
}

function asset(body: Buffer, contentType: string): Asset {
  return { body, contentType, hash: createHash('sha256').update(body).digest('base64url').slice(0, 16) };
}

export function loadPageAssets(dir: string = WEB_CHAT_DIR): { template: string; script: Asset; styles: Asset } {
  return {
    template: fs.readFileSync(path.join(dir, 'index.html'), 'utf8'),
    script: asset(fs.readFileSync(path.join(dir, 'chat.js')), 'application/javascript; charset=utf-8'),
    styles: asset(fs.readFileSync(path.join(dir, 'chat.css')), 'text/css; charset=utf-8'),
  };
}

/**
 * Web Chat's own browser bundle (3.9 MB). The package's `exports` hide `dist/`, so it is found from the package's
 * main entry. Not held in memory: on first request the file is read once, as a stream, for its hash and its gzip
 * form (about 1 MB, kept, as compressing it at level 9 costs far more than sending it); uncompressed it is streamed
 * from disk on each request.
 */
export class WebChatBundle {
  readonly version: string;
  readonly file: string;
  private prepared: Promise<FileAsset> | undefined;

  constructor() {
    const main = require.resolve('botframework-webchat');
    const packageDir = path.resolve(path.dirname(main), '..');
    const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
    this.version = pkg.version;
    this.file = path.join(packageDir, 'dist', 'webchat.js');
    if (!fs.existsSync(this.file)) throw new Error(`Web Chat's bundle is missing at ${this.file}; run npm ci`);
  }

  get path(): string {
    return `/webchat/${this.version}/webchat.js`;
  }

  get(): Promise<FileAsset> {
    if (!this.prepared) {
      const prepared = prepareFile(this.file, 'application/javascript; charset=utf-8');
      // A failed read is tried again on the next request rather than remembered.
      prepared.catch(() => {
        if (this.prepared === prepared) this.prepared = undefined;
      });
      this.prepared = prepared;
    }
    return this.prepared;
  }
}

/** A file served from disk: its size, content hash and gzip form, found in one streamed read. */
export interface FileAsset {
  file: string;
  size: number;
  contentType: string;
  hash: string;
  gzipped: Buffer;
}

async function prepareFile(file: string, contentType: string): Promise<FileAsset> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  await pipeline(
    fs.createReadStream(file),
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    }),
    createGzip({ level: 9 }),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return { file, size, contentType, hash: hash.digest('base64url').slice(0, 16), gzipped: Buffer.concat(chunks) };
}

/** Compressed once, on first request, then kept: Web Chat is about a quarter of its size gzipped. */
export function gzipped(file: Asset): Promise<Buffer> {
  file.gzipped ??= promisify(gzip)(file.body, { level: 9 });
  return file.gzipped;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

export function renderPage(
  template: string,
  values: { profile: CouncilProfile; nonce: string; webChatScript: string; chatScript: string; chatStyles: string },
): string {
  const { profile } = values;
  const fields: Record<string, string> = {
    councilName: profile.name,
    shortName: profile.shortName,
    hubName: profile.hub.name,
    hubPhone: profile.hub.phone,
    hubPhoneE164: profile.hub.phoneE164,
    hubEmail: profile.hub.email,
    hubWebsite: profile.hub.website,
    openingHours: openingHoursText(profile.hub),
    retention: retention.chatPage(profile.retention),
    nonce: values.nonce,
    webChatScript: values.webChatScript,
    chatScript: values.chatScript,
    chatStyles: values.chatStyles,
  };
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = fields[name];
    if (value === undefined) throw new Error(`The chat page template uses an unknown field ${whole}`);
    return escapeHtml(value);
  });
}

/**
 * The hash of an empty style element. Web Chat 4.18 gives react-scroll-to-bottom no nonce, so that library's emotion
 * cache inserts an empty <style> without one and then fills it through the CSSOM (insertRule, which CSP does not
 * check). Allowing exactly the empty element lets those rules apply without 'unsafe-inline': a style element with
 * any content still needs the nonce.
 */
export const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

/**
 * The page's Content-Security-Policy: scripts only from this server; styles from this server plus Web Chat's own
 * (emotion style elements carrying the per-response nonce, see {@link EMPTY_STYLE_HASH}); images from this server and
 * the data: and blob: URLs Web Chat makes for its icons; connections to this server (including its WebSocket) and,
 * in production, to Azure's Direct Line. Web Chat needs neither 'unsafe-eval' nor 'unsafe-inline'.
 */
export function contentSecurityPolicy(options: { nonce: string; directLineOrigin: string | null }): string {
  const connect = ["'self'"];
  if (options.directLineOrigin) connect.push(options.directLineOrigin, options.directLineOrigin.replace(/^http/, 'ws'));
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${options.nonce}' ${EMPTY_STYLE_HASH}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
    "object-src 'none'",
  ].join('; ');
}
