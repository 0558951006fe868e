/**
 * What a command needs from its surroundings: output streams, the environment, the global
 * flags, an engine client for the chosen host, and a signal that fires on Ctrl-C. Tests build
 * one with in-memory streams; the bin builds it from process.*.
 */

import { EngineClient } from './engine-client.js';
import { StatusError, EXIT_FAILURE } from './cli-error.js';
import { HostError, parseHost, resolveHost } from './host.js';
import { buildInfo } from './build-info.js';

export interface Output {
  write(text: string): unknown;
  /** Set on a terminal (process.stdout); `save` refuses one, `load` shows progress on one. */
  isTTY?: boolean;
}

/** Standard input as commands read it: a byte stream that may be a terminal. */
export type Input = NodeJS.ReadableStream & { isTTY?: boolean };

export interface GlobalOptions {
  host: string[];
  logLevel: string;
  debug: boolean;
  config?: string;
  tls: boolean;
  tlsverify: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
}

export interface CliIO {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Read by prune's confirmation, `load` and `import -`. When absent, process.stdin is used,
   * looked up only when a command reads it (tests always pass their own).
   */
  stdin?: Input;
  /** Aborted on SIGINT/SIGTERM; `reason` is the signal name. */
  signal?: AbortSignal;
  /**
   * Where `run`/`start -a`/`attach` hear signals to pass on to the container (sig-proxy).
   * When absent: the process itself if stdin is the process's, else none (tests pass a
   * plain EventEmitter and emit signal names on it).
   */
  signals?: SignalSource;
}

/** process.on / process.removeListener for signals. */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: () => void): unknown;
  removeListener(event: NodeJS.Signals, listener: () => void): unknown;
}

export class CliContext {
  private engine: EngineClient | undefined;
  globals: GlobalOptions = { host: [], logLevel: 'info', debug: false, tls: false, tlsverify: false };

  constructor(readonly io: CliIO) {}

  get stdout(): Output {
    return this.io.stdout;
  }

  get stderr(): Output {
    return this.io.stderr;
  }

  get stdin(): Input {
    return this.io.stdin ?? process.stdin;
  }

  get signalSource(): SignalSource | undefined {
    if (this.io.signals) return this.io.signals;
    return this.io.stdin === undefined || this.io.stdin === process.stdin ? process : undefined;
  }

  get signal(): AbortSignal | undefined {
    return this.io.signal;
  }

  /** The engine client for the resolved host, created on first use. */
  client(): EngineClient {
    if (this.engine) return this.engine;
    const tls = this.globals.tls || this.globals.tlsverify;
    try {
      const endpoint = parseHost(resolveHost(this.globals.host, this.io.env), tls);
      if (endpoint.kind === 'tcp' && tls) {
        throw new HostError('TLS connections are not supported by this lading client yet');
      }
      const apiVersion = this.io.env['DOCKER_API_VERSION'];
      this.engine = new EngineClient({
        endpoint,
        ...(apiVersion ? { apiVersion } : {}),
        userAgent: `lading-cli/${buildInfo().version} (${process.platform})`,
      });
      return this.engine;
    } catch (err) {
      if (err instanceof HostError) {
        throw new StatusError(
          `Failed to initialize: unable to resolve lading endpoint: ${err.message}`,
          EXIT_FAILURE,
        );
      }
      throw err;
    }
  }

  close(): void {
    this.engine?.close();
  }
}
