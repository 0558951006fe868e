/**
 * One logical Dockerfile line after the first pass (buildkit's parser.Node, flattened): the
 * keyword as written, its `--flags`, and its arguments split by that keyword's line rule.
 * The second pass (parse-instruction.ts) turns a node into a typed instruction.
 */
export interface SyntaxNode {
  /** The instruction keyword exactly as written (`run`, `Run`, `RUN`). */
  keyword: string;
  /** Leading `--name[=value]` words, quotes and escapes removed. */
  flags: string[];
  /**
   * The arguments as the keyword's rule split them: JSON items, whitespace words, one raw
   * string, `key, value, separator` triples for ENV and LABEL (separator "=" or "" for the
   * legacy `ENV k v`), or for ONBUILD the trigger's keyword followed by its arguments.
   */
  args: string[];
  /** The arguments were a JSON array (exec form). */
  json: boolean;
  /** The logical line: continuations joined, comments inside them dropped. */
  original: string;
  /** 1-based lines in the file where the instruction starts and ends. */
  startLine: number;
  endLine: number;
  /** ONBUILD's trigger instruction. */
  child?: SyntaxNode;
  /** Here-documents attached to RUN, COPY or ADD (`<<EOF` … `EOF`). */
  heredocs: Heredoc[];
}

export interface Heredoc {
  /** The terminator word, quotes removed. */
  name: string;
  /** The `N<<` file descriptor, 0 when not given. */
  fileDescriptor: number;
  /** Unquoted terminator: the content is expanded when used. */
  expand: boolean;
  /** `<<-`: leading tabs are removed from each content line. */
  chomp: boolean;
  /** The lines between the instruction and the terminator, newlines kept. */
  content: string;
}
