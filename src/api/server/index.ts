export { createApiServer } from './api-server.js';
export type { ApiServer, ApiServerOptions, TlsOptions } from './api-server.js';
export type {
  AttachOptions,
  AttachSession,
  AttachStreams,
  Backends,
  ContainerListOptions,
  ContainersBackend,
  EventFilters,
  EventQuery,
  EventSubscription,
  EventsBackend,
  ExecBackend,
  LogLine,
  LogsOptions,
  LogsResult,
  SystemBackend,
} from './backends.js';
export type {
  ContainerTopResponse,
  FilesystemChange,
  ObserveBackend,
  StatsSampler,
} from './backends-observe.js';
export type { ArchiveBackend, ArchivePutOptions, ContainerPathStat } from './backends-archive.js';
export type { CommitBackend, CommitRequest } from './backends-commit.js';
export { DEFAULT_BODY_LIMIT, parseJsonBody, readRequestBody } from './body.js';
export { commonHeaders } from './common-headers.js';
export type { HijackOptions, RequestContext, RouteDefinition, RouteHandler } from './handler-context.js';
export { statusForError, statusForKind } from './http-status.js';
export {
  parseBoolean,
  parseFilters,
  parseGoDuration,
  parseTimestamp,
  queryBoolean,
  queryTimestamp,
} from './query.js';
export { isResponseClosed, JSON_CONTENT_TYPE, sendError, sendJson, sendStatus, sendText } from './respond.js';
export { compilePattern, Router } from './router.js';
export type { HttpMethod, RouteMatch } from './router.js';
export { allRoutes, containersRoutes, eventsRoutes, execRoutes, systemRoutes } from './routers/index.js';
export {
  hijackConnection,
  hijackResponseHead,
  MULTIPLEXED_STREAM_CONTENT_TYPE,
  RAW_STREAM_CONTENT_TYPE,
} from './stream/hijack.js';
export type { HijackParams } from './stream/hijack.js';
export { createRawWriter, createStdinReader, discardInput } from './stream/hijacked-stdio.js';
export { formatProgress, humanSize, JsonProgressWriter, startJsonProgress } from './stream/json-progress.js';
export type { JsonMessage, ProgressDetail } from './stream/json-progress.js';
export {
  createStdWriter,
  encodeFrame,
  encodeFrameHeader,
  MAX_FRAME_PAYLOAD,
  STDCOPY_HEADER_SIZE,
  StdcopyDemuxer,
  StdStream,
  writeFrames,
} from './stream/stdcopy.js';
export type { StdFrame } from './stream/stdcopy.js';
export { negotiateApiVersion, stripVersionPrefix } from './version-negotiation.js';
