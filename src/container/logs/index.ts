/** Container logs: Docker's json-file driver (writer, rotation, reader) and the none driver. */
export { goJsonQuote, goJsonStringMap } from './go-json.js';
export { formatRfc3339NanoFixed, nowNanos, secondsToNanos } from './log-time.js';
export { LineSplitter, MAX_LINE_PIECE, type LogMessage, type LogStreamName } from './line-splitter.js';
export {
  jsonFileSettings,
  parseHumanSize,
  validateLogConfig,
  type JsonFileSettings,
  type LogContainerInfo,
  type LogDriverName,
} from './log-options.js';
export {
  JsonFileWriter,
  encodeEntry,
  type JsonFileWriterOptions,
  type LogProducer,
  type LogSink,
} from './json-file-writer.js';
export { readJsonFileLog, parseTail, type ReadLogOptions } from './json-file-reader.js';
export { decodeEntry, formatAttrs, goQueryEscape, type LogLine } from './log-line.js';
export {
  openLogSink,
  readContainerLog,
  replayLog,
  READING_NOT_SUPPORTED,
  type OpenLogOptions,
} from './log-driver.js';
