/**
 * The parse tree of a template. Every node keeps its byte offset and, for actions, the source
 * text of the failing piece, so execution errors can say `at <.Nope>` as Go does.
 */

export type Arg =
  | { kind: 'field'; names: string[]; pos: number; src: string }
  | { kind: 'dot'; pos: number; src: string }
  | { kind: 'variable'; name: string; fields: string[]; pos: number; src: string }
  | { kind: 'identifier'; name: string; pos: number; src: string }
  | { kind: 'string'; value: string; pos: number; src: string }
  | { kind: 'number'; value: number; pos: number; src: string }
  | { kind: 'bool'; value: boolean; pos: number; src: string }
  | { kind: 'nil'; pos: number; src: string }
  | { kind: 'pipeline'; pipe: Pipeline; pos: number; src: string };

export interface Command {
  args: Arg[];
  pos: number;
  src: string;
}

export interface Pipeline {
  /** Variables declared (`$x :=`) or assigned (`$x =`); range allows two. */
  vars: string[];
  isAssign: boolean;
  cmds: Command[];
  pos: number;
}

export interface ControlNode {
  kind: 'if' | 'with' | 'range';
  pipe: Pipeline;
  list: Node[];
  elseList: Node[] | null;
  pos: number;
}

export type Node =
  | { kind: 'text'; text: string; pos: number }
  | { kind: 'action'; pipe: Pipeline; pos: number }
  | ControlNode
  | { kind: 'break' | 'continue'; pos: number };

export interface Tree {
  name: string;
  source: string;
  root: Node[];
}
