/**
 * Shared layer downloads: every layer a pull needs and the store lacks becomes one job per
 * chainID, which downloads the blob (openBlob) straight into a detached extraction (no temp
 * copy), waits for its parent chain, and attaches on it. A second pull of the same image, or
 * of an image on the same base, joins the running job instead of fetching again: it gets the
 * job's progress (the latest event at once, then every new one) and its result. This is
 * hostile-input row 25: one fetch and one unpack per layer.
 *
 * References: a job's attach takes one reference on the new layer; when the job ends, each
 * joiner still waiting gets a reference of its own, and the job drops its own. A joiner whose
 * signal aborts leaves (its promise rejects and it owns nothing); when the last joiner leaves,
 * the job is aborted, its detached extraction discarded, and nothing of it remains.
 *
 * Downloads take a slot of the shared `downloads` semaphore (max-concurrent-downloads) for
 * the transfer and extraction, which run together; attaching waits for the parent outside
 * the slot, so a slow parent never holds up other downloads.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorKindOf, NotFoundError } from '../errors/index.js';
import type { ChainId, DetachedLayer, DiffId, Layer, LayerStore } from '../layer/index.js';
import type { Logger } from '../log/index.js';
import type { RepositoryClient } from '../registry/client/registry-client.js';
import { throttled, type ProgressDetail } from './progress.js';
import type { Semaphore } from './semaphore.js';
import type { Descriptor } from './types.js';

/**
 * A download that fails for a transport reason or with bytes that do not match its digest
 * (after the client's own Range resumes) is started again from scratch, as dockerd does, up
 * to this many attempts in all. Each attempt's partial extraction is discarded, and the
 * client passes over the mirror that just failed, so a retry usually asks the next endpoint.
 */
const MAX_DOWNLOAD_ATTEMPTS = 3;
const RETRY_DELAY_SECONDS = 1;

export interface LayerDownload {
  chainId: ChainId;
  parent: ChainId | undefined;
  diffId: DiffId;
  descriptor: Descriptor;
  client: RepositoryClient;
}

/** What a job reports; the joiner adds its own layer id. */
export interface JobEvent {
  status: string;
  progressDetail?: ProgressDetail;
}

interface Joiner {
  report: (event: JobEvent) => void;
  resolve: (layer: Layer) => void;
  reject: (err: unknown) => void;
  detach: () => void;
}

class LayerJob {
  readonly joiners = new Set<Joiner>();
  readonly controller = new AbortController();
  last: JobEvent | undefined;
  /** Settles when the job has finished and cleaned up, whatever the outcome. */
  done: Promise<void> = Promise.resolve();

  constructor(readonly chainId: ChainId) {}

  emit(event: JobEvent): void {
    this.last = event;
    for (const joiner of this.joiners) joiner.report(event);
  }
}

export class LayerJobs {
  private readonly jobs = new Map<ChainId, LayerJob>();
  /** Jobs whose joiners all left, until their cleanup is done. */
  private readonly abandoned = new Set<LayerJob>();

  constructor(
    private readonly layers: LayerStore,
    private readonly downloads: Semaphore,
    private readonly logger: Logger,
  ) {}

  /** Jobs running now (for tests and the log). */
  get running(): number {
    return this.jobs.size;
  }

  /** Whether a download of this chain is under way (the caller then joins it). */
  has(chainId: ChainId): boolean {
    return this.jobs.has(chainId);
  }

  /**
   * One reference on the layer `download.chainId`, made by a new job or by the one already
   * running. `report` gets the job's progress while the caller waits.
   */
  join(download: LayerDownload, report: (event: JobEvent) => void, signal: AbortSignal): Promise<Layer> {
    let job = this.jobs.get(download.chainId);
    if (job === undefined) {
      const created = new LayerJob(download.chainId);
      job = created;
      this.jobs.set(download.chainId, created);
      created.done = this.run(created, download).then(
        (layer) => this.finish(created, layer),
        (err: unknown) => this.fail(created, err),
      );
    }
    return this.wait(job, report, signal);
  }

  /**
   * Waits until abandoned jobs for these chains have cleaned up (their detached extractions
   * discarded), so a failed pull returns only once nothing of it remains.
   */
  async settleAbandoned(chainIds: readonly ChainId[]): Promise<void> {
    const wanted = new Set(chainIds);
    await Promise.all([...this.abandoned].filter((job) => wanted.has(job.chainId)).map((job) => job.done));
  }

  /** A reference on an existing layer, or on one a job is making; else NotFound. */
  private acquire(chainId: ChainId, signal: AbortSignal): Promise<Layer> {
    const job = this.jobs.get(chainId);
    if (job !== undefined) return this.wait(job, () => undefined, signal);
    if (this.layers.get(chainId) !== undefined) return Promise.resolve(this.layers.retain(chainId));
    return Promise.reject(new NotFoundError(`layer ${chainId} is missing; its download failed`));
  }

  private wait(job: LayerJob, report: (event: JobEvent) => void, signal: AbortSignal): Promise<Layer> {
    return new Promise<Layer>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        if (!job.joiners.delete(joiner)) return;
        reject(signal.reason);
        if (job.joiners.size === 0) {
          // Nobody wants it any more: stop, and let the next pull start afresh.
          if (this.jobs.get(job.chainId) === job) this.jobs.delete(job.chainId);
          this.abandoned.add(job);
          void job.done.finally(() => this.abandoned.delete(job));
          job.controller.abort(signal.reason);
        }
      };
      const joiner: Joiner = {
        report,
        resolve,
        reject,
        detach: () => signal.removeEventListener('abort', onAbort),
      };
      job.joiners.add(joiner);
      signal.addEventListener('abort', onAbort, { once: true });
      if (job.last !== undefined) report(job.last);
    });
  }

  private async run(job: LayerJob, download: LayerDownload): Promise<Layer> {
    const { signal } = job.controller;
    const total = download.descriptor.size;
    if (!this.downloads.tryAcquire()) {
      job.emit({ status: 'Waiting' });
      await this.downloads.acquire(signal);
    }
    let detached: DetachedLayer;
    try {
      detached = await this.downloadWithRetries(job, download);
    } finally {
      this.downloads.release();
    }
    try {
      job.emit({ status: 'Extracting', progressDetail: { current: total, total } });
      const parent = download.parent === undefined ? undefined : await this.acquire(download.parent, signal);
      try {
        signal.throwIfAborted();
        const layer = await this.layers.attach(detached, download.parent);
        job.emit({ status: 'Pull complete' });
        return layer;
      } finally {
        if (parent !== undefined) await this.layers.release(parent.chainId);
      }
    } catch (err) {
      await this.layers.discardDetached(detached);
      throw err;
    }
  }

  private async downloadWithRetries(job: LayerJob, download: LayerDownload): Promise<DetachedLayer> {
    const { signal } = job.controller;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.downloadOnce(job, download);
      } catch (err) {
        signal.throwIfAborted();
        if (attempt >= MAX_DOWNLOAD_ATTEMPTS || errorKindOf(err) !== 'unavailable') throw err;
        this.logger.warn('layer download failed, retrying', {
          digest: download.descriptor.digest,
          attempt,
          error: String(err),
        });
        const seconds = RETRY_DELAY_SECONDS * attempt;
        job.emit({ status: `Retrying in ${seconds} second${seconds === 1 ? '' : 's'}` });
        await sleep(seconds * 1000, undefined, { signal });
      }
    }
  }

  /** One attempt: the blob streamed into a detached extraction; a failure leaves nothing. */
  private async downloadOnce(job: LayerJob, download: LayerDownload): Promise<DetachedLayer> {
    const { signal } = job.controller;
    const total = download.descriptor.size;
    const progress = throttled((current) =>
      job.emit({ status: 'Downloading', progressDetail: { current, total } }),
    );
    const blob = download.client.openBlob(download.descriptor, { signal, onProgress: (n) => progress(n) });
    async function* verified(): AsyncGenerator<Buffer> {
      // The client's stream throws instead of ending when the bytes do not match the digest.
      for await (const chunk of blob) yield chunk;
      progress(total, true);
      job.emit({ status: 'Verifying Checksum' });
      job.emit({ status: 'Download complete' });
    }
    return this.layers.extractDetached(verified(), { expectedDiffId: download.diffId, signal });
  }

  private async finish(job: LayerJob, layer: Layer): Promise<void> {
    if (this.jobs.get(job.chainId) === job) this.jobs.delete(job.chainId);
    const joiners = [...job.joiners];
    job.joiners.clear();
    for (const joiner of joiners) {
      joiner.detach();
      this.layers.retain(layer.chainId);
      joiner.resolve(layer);
    }
    try {
      await this.layers.release(layer.chainId);
    } catch (err) {
      this.logger.warn('could not drop a download reference', { layer: layer.chainId, error: String(err) });
    }
  }

  private fail(job: LayerJob, err: unknown): void {
    if (this.jobs.get(job.chainId) === job) this.jobs.delete(job.chainId);
    const joiners = [...job.joiners];
    job.joiners.clear();
    for (const joiner of joiners) {
      joiner.detach();
      joiner.reject(err);
    }
  }
}
