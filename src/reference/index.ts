/** Image references: the grammar, Docker's normalisation and familiar forms. */
export {
  DEFAULT_DOMAIN,
  DEFAULT_TAG,
  dockerRef,
  familiarName,
  familiarString,
  InvalidArgumentReferenceName,
  nameString,
  parseAnyReference,
  parseDockerRef,
  parseNormalizedNamed,
  parseReference,
  referenceString,
  trimNamed,
  withDefaultTag,
  withDigest,
  withTag,
  type AnyReference,
  type NamedReference,
  type ParsedReference,
} from './reference.js';
export { familiarMatch, globMatch } from './familiar-match.js';
export { InvalidReferenceError, INVALID_REFERENCE_FORMAT } from './errors.js';
export {
  DOMAIN_PATTERN,
  IDENTIFIER_PATTERN,
  NAME_TOTAL_LENGTH_MAX,
  REFERENCE_PATTERN,
  SHORT_IDENTIFIER_PATTERN,
  TAG_PATTERN,
} from './grammar.js';
