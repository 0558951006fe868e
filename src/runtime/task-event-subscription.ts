/**
 * A containerd Events.Subscribe stream that survives containerd restarts. When the stream
 * ends or fails (containerd was stopped, crashed, or restarted by our supervisor), it is
 * opened again after a back-off that starts at 100 ms and doubles up to 2 s; the call waits
 * for the channel to be ready, so a containerd that is down costs no busy loop.
 *
 * Events published while no stream is open are lost: containerd does not replay. Callers
 * that must not miss an exit also hold a Tasks.Wait per process (which does survive, see
 * GrpcContainerdClient.wait) and reconcile with listTasks() after a restart.
 */
import type * as grpc from '@grpc/grpc-js';
import type { EventSubscription, RuntimeEvent } from './containerd-client.js';
import type { EventsService, ProtoEnvelope } from './containerd-services.js';
import { decodeTaskEvent, taskEventFilter } from './runtime-events.js';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2000;

export function subscribeTaskEvents(
  events: EventsService,
  namespace: string,
  metadata: () => grpc.Metadata,
  listener: (event: RuntimeEvent) => void,
): EventSubscription {
  let closed = false;
  let call: grpc.ClientReadableStream<ProtoEnvelope> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retryMs = FIRST_RETRY_MS;

  const open = (): void => {
    if (closed) return;
    let stream: grpc.ClientReadableStream<ProtoEnvelope>;
    try {
      stream = events.Subscribe({ filters: [taskEventFilter(namespace)] }, metadata(), {
        waitForReady: true,
      } as grpc.CallOptions);
    } catch {
      closed = true; // the client was closed: nothing to reconnect to
      return;
    }
    call = stream;
    let ended = false;
    const reopen = (): void => {
      if (ended) return;
      ended = true;
      if (closed || call !== stream) return;
      call = undefined;
      timer = setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    };
    stream.on('data', (envelope: ProtoEnvelope) => {
      retryMs = FIRST_RETRY_MS; // a stream that delivers is a healthy one
      if (envelope.namespace !== namespace) return;
      const event = decodeTaskEvent(envelope);
      if (event) listener(event);
    });
    // 'error' carries the status (UNAVAILABLE on a restart); 'end' is a clean close by the
    // server (containerd shutting down). Either way: open again unless we closed it.
    stream.on('error', reopen);
    stream.on('end', reopen);
  };

  open();
  return {
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      const current = call;
      call = undefined;
      current?.cancel();
    },
  };
}
