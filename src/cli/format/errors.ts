/**
 * Template errors. Messages follow Go's text/template wording (`template: name:line: …` for
 * parse errors, `template: name:line:col: executing "name" at <node>: …` for execution) because
 * users search for them and scripts match on them.
 */

/** The format string itself is malformed; the docker CLI exits 64 for these. */
export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';
}

/** The format string parsed but failed against the data (missing field, wrong type…). */
export class TemplateExecError extends Error {
  override readonly name = 'TemplateExecError';
  /** Output produced before the failure; Go's writer has already received it. */
  partial = '';
}
