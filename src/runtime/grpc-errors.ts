/** gRPC status codes → lading's error vocabulary, so callers never see grpc-js types. */
import { status, type ServiceError } from '@grpc/grpc-js';
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  SystemError,
  UnavailableError,
  type LadingError,
} from '../errors/index.js';

/**
 * `what` prefixes the message ("containerd version: …"). Without it containerd's message is
 * kept whole: runc's failures ("…exec: \"x\": executable file not found in $PATH…") are
 * what the daemon shows and turns into exit codes 127/126, as dockerd does.
 */
export function fromGrpcError(err: ServiceError, what?: string): LadingError {
  const detail = err.details || err.message;
  const message = what === undefined ? detail : `${what}: ${detail}`;
  switch (err.code) {
    case status.NOT_FOUND:
      return new NotFoundError(message, { cause: err });
    case status.ALREADY_EXISTS:
    case status.FAILED_PRECONDITION:
      return new ConflictError(message, { cause: err });
    case status.INVALID_ARGUMENT:
    case status.OUT_OF_RANGE:
      return new InvalidArgumentError(message, { cause: err });
    case status.UNIMPLEMENTED:
      return new NotImplementedError(message, { cause: err });
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
      return new UnavailableError(message, { cause: err });
    default:
      return new SystemError(message, { cause: err });
  }
}
