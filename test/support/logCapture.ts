import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../services/logger';

/** The application's own logger (with its redaction) writing into memory, so a test can read what was logged. */
export function captureLogs(level: 'debug' | 'info' = 'debug'): { logger: Logger; chunks: string[]; output(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level, destination: stream }), chunks, output: () => chunks.join('') };
}
