/** The body of every error response: {"message": "..."} with Content-Type exactly application/json. */
export interface ErrorResponse {
  message: string;
}
