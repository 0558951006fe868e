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

export function fromGrpcError(err: ServiceError, what: string): LadingError {
  const message = `${what}: ${err.details || err.message}`;
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
