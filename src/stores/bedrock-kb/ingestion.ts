/**
 * Batches Bedrock KB ingestion: documents written to S3 within a short window share one
 * StartIngestionJob, and at most one job per data source runs at a time from this process. A
 * ConflictException (a job already running, e.g. started by another process) is retried with
 * backoff. When a job COMPLETEs, the documents written before it started are reported indexed;
 * when it FAILs they are queued again for the next job.
 */
export interface IngestionEntry {
  tenantId: string;
  docId: string;
  contentHash: string;
  queuedAt: number;
}

export interface IngestionApi {
  start(): Promise<string>;
  /** COMPLETE | FAILED | STOPPED end a job; anything else is still running. */
  status(jobId: string): Promise<string>;
}

export interface IngestionOptions {
  /** Wait this long after the first write before starting a job, so a burst of writes shares it. */
  windowMs: number;
  pollMs: number;
  /** Attempts at StartIngestionJob while another job holds the data source. */
  maxConflictRetries?: number;
  /** Polls of one job before giving up on it (its documents are queued again). */
  maxPolls?: number;
  onIndexed(entries: IngestionEntry[]): Promise<void>;
  onError?(error: unknown): void;
}

const isConflict = (e: unknown) => (e as { name?: string }).name === 'ConflictException';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class IngestionBatcher {
  private waiting: IngestionEntry[] = [];
  private running?: Promise<void>;
  private closed = false;
  /** Jobs this batcher started (for tests and metrics). */
  jobsStarted = 0;

  constructor(
    private readonly api: IngestionApi,
    private readonly o: IngestionOptions,
  ) {}

  schedule(entry: IngestionEntry): void {
    this.waiting.push(entry);
    if (!this.running && !this.closed) this.running = this.loop().finally(() => (this.running = undefined));
  }

  /** Resolves when nothing is waiting and no job is running (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
  }

  private async loop(): Promise<void> {
    while (this.waiting.length > 0 && !this.closed) {
      await sleep(this.o.windowMs);
      // Closed while waiting: start no job (the entries stay queued in the ledger for the next process).
      if (this.closed) break;
      const batch = this.waiting;
      this.waiting = [];
      try {
        const status = await this.runJob();
        if (status === 'COMPLETE') await this.o.onIndexed(batch);
        else this.waiting.unshift(...batch);
      } catch (e) {
        this.o.onError?.(e);
        // Keep the documents for the next attempt; the recent tier serves them meanwhile.
        this.waiting.unshift(...batch);
        await sleep(this.o.pollMs);
      }
    }
  }

  private async runJob(): Promise<string> {
    const retries = this.o.maxConflictRetries ?? 60;
    let jobId: string | undefined;
    for (let i = 0; jobId === undefined; i++) {
      try {
        jobId = await this.api.start();
      } catch (e) {
        if (!isConflict(e) || i + 1 >= retries) throw e;
        await sleep(Math.min(this.o.pollMs * 2 ** Math.min(i, 4), 30_000));
      }
    }
    this.jobsStarted++;
    for (let i = 0; i < (this.o.maxPolls ?? 720); i++) {
      await sleep(this.o.pollMs);
      const s = await this.api.status(jobId);
      if (s === 'COMPLETE' || s === 'FAILED' || s === 'STOPPED') return s;
    }
    return 'TIMED_OUT';
  }
}
