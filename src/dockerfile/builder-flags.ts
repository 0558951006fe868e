/**
 * An instruction's `--flag[=value]` words checked against the flags it accepts (buildkit's
 * BFlags), with buildkit's error wording.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { withSuggestion } from './suggest.js';

export type FlagKind = 'bool' | 'string' | 'strings';

export interface FlagValues {
  /** string and bool flags ("true"/"false"); absent when not given. */
  values: Map<string, string>;
  /** repeatable flags, every value in order. */
  lists: Map<string, string[]>;
}

export function parseFlags(
  words: readonly string[],
  accepted: Readonly<Record<string, FlagKind>>,
): FlagValues {
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const used = new Set<string>();
  for (const word of words) {
    // A bare `--` ends the flags (POSIX utility syntax).
    if (word === '--') break;
    if (!word.startsWith('--')) throw new InvalidArgumentError(`arg should start with -- : ${word}`);
    const eq = word.indexOf('=');
    const flagName = eq < 0 ? word : word.slice(0, eq);
    const value = eq < 0 ? '' : word.slice(eq + 1);
    const hasValue = eq >= 0;
    const name = flagName.slice(2);
    const kind = Object.hasOwn(accepted, name) ? accepted[name] : undefined;
    if (kind === undefined) {
      throw new InvalidArgumentError(
        withSuggestion(`unknown flag: ${flagName}`, name, Object.keys(accepted), true),
      );
    }
    if (used.has(name) && kind !== 'strings') {
      throw new InvalidArgumentError(`duplicate flag specified: ${flagName}`);
    }
    used.add(name);
    switch (kind) {
      case 'bool': {
        if (hasValue && value === '') throw new InvalidArgumentError(`missing a value on flag: ${flagName}`);
        const lower = value.toLowerCase();
        if (lower === 'true' || lower === '') values.set(name, 'true');
        else if (lower === 'false') values.set(name, 'false');
        else throw new InvalidArgumentError(`expecting boolean value for flag ${flagName}, not: ${value}`);
        break;
      }
      case 'string':
        if (!hasValue) throw new InvalidArgumentError(`missing a value on flag: ${flagName}`);
        values.set(name, value);
        break;
      case 'strings':
        if (!hasValue) throw new InvalidArgumentError(`missing a value on flag: ${flagName}`);
        lists.set(name, [...(lists.get(name) ?? []), value]);
        break;
    }
  }
  return { values, lists };
}
