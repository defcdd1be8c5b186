/**
 * Copies the embedded store's write-ahead log back into the database file from a worker thread, so the event loop
 * never waits for it.
 *
 * SQLite's own automatic checkpoint runs inside whichever commit pushes the WAL past 1,000 pages: that commit then
 * writes the pages into the database file and waits for two fsyncs, on the event loop. Measured over 100,000
 * referrals, a checkpoint of about 750 pages took 45 to 70 ms of wall time (7 to 8 ms of CPU), and with claims
 * group-committed one came every few batches: every worker waiting behind it, the claim p99. (An `UPDATE …
 * RETURNING` read with `.get()` never finishes its statement, and SQLite runs the automatic checkpoint only when one
 * does; so until claims were batched the WAL grew without bound while workers claimed, and whatever plain write came
 * next paid for all of it.)
 *
 * Here a second connection on a worker thread runs a PASSIVE checkpoint every {@link CHECKPOINT_EVERY_MS}: PASSIVE
 * takes no lock a writer or reader waits for, and copies what no reader still needs. In `synchronous = NORMAL` a
 * checkpoint fsyncs the WAL first, so this also bounds what a power cut can take from commits made at NORMAL (claims,
 * bot state, audit) to about that interval; the referral given to a resident is committed at FULL anyway.
 * The main connection keeps an automatic checkpoint, at {@link FALLBACK_AUTOCHECKPOINT_PAGES}, as a backstop should
 * this thread fall behind or die.
 *
 * The worker's code is a plain CommonJS string, so it runs the same under tsx, from `dist/`, and in tests; it is
 * given the path of better-sqlite3 resolved here.
 */
import { Worker } from 'node:worker_threads';

export const CHECKPOINT_EVERY_MS = 250;
/** A checkpoint in progress is left to finish this long before the thread is stopped (safe: checkpoints are atomic). */
const CLOSE_TIMEOUT_MS = 5_000;
/** About 40 MB of WAL: only reached if the background checkpoints stop keeping up. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
// A short busy timeout: a checkpoint that cannot get its lock now simply runs next time.
const db = new Database(workerData.file, { timeout: 50 });
db.pragma('synchronous = NORMAL');
const checkpoint = (id) => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (id !== undefined) parentPort.postMessage({ type: 'checkpointed', id, log: result.log, checkpointed: result.checkpointed, busy: result.busy });
  } catch (err) {
    parentPort.postMessage({ type: 'error', id, message: String((err && err.message) || err) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (typeof message === 'object' && message.type === 'now') checkpoint(message.id);
  if (message === 'close') {
    clearInterval(timer);
    try { checkpoint(); } finally { db.close(); }
    parentPort.close();
  }
});
`;

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
  busy: number;
}

type WorkerMessage = ({ type: 'checkpointed'; id: number } & CheckpointResult) | { type: 'error'; id?: number; message: string };

export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (result: CheckpointResult) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private readonly exited: Promise<void>;

  /** `onError` hears about a failed checkpoint: SQLite's message, which names no resident. */
  constructor(file: string, onError: (message: string) => void, everyMs = CHECKPOINT_EVERY_MS) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver: require.resolve('better-sqlite3'), everyMs } });
    // A background chore: it must not keep a process alive that has nothing else to do.
    this.worker.unref();
    this.worker.on('message', (message: WorkerMessage) => {
      const asked = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (message.id !== undefined) this.waiting.delete(message.id);
      if (message.type === 'error') {
        if (asked) asked.reject(new Error(message.message));
        else onError(message.message);
      } else {
        asked?.resolve({ log: message.log, checkpointed: message.checkpointed, busy: message.busy });
      }
    });
    this.worker.on('error', (err: unknown) => onError(err instanceof Error ? err.message : String(err)));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Runs a checkpoint on the worker now and answers with its result (for tests and diagnostics). */
  checkpointNow(): Promise<CheckpointResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'now', id });
    });
  }

  /** A last checkpoint, then the worker's connection is closed and the thread ends. */
  async close(): Promise<void> {
    // Held open again while it finishes: with nothing else to do, Node would otherwise end the process (with exit
    // code 0, whatever the caller was about to return) before the thread has closed its connection.
    this.worker.ref();
    this.worker.postMessage('close');
    const stuck = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS);
    await this.exited;
    clearTimeout(stuck);
  }
}
