/**
 * The repeatable `-f/--filter key=value` flag of list and prune commands, collected into a
 * Filters map and rejected with pflag's wording (exit 125) when a value has no `=`.
 */

import { InvalidArgumentError, Option } from 'commander';
import { invalidFlagValue } from './command.js';
import { addFilter, FilterFormatError, type Filters } from './filters.js';

export function filterOption(flags: string, description: string): Option {
  const option = new Option(flags, description);
  option.argParser((value: string, previous: Filters | undefined) => {
    try {
      return addFilter(previous ?? new Map(), value);
    } catch (err) {
      if (err instanceof FilterFormatError) {
        throw new InvalidArgumentError(invalidFlagValue(option, value, err.message));
      }
      throw err;
    }
  });
  return option;
}

/** A copy of `filters` with one more value, leaving the flag's own map untouched. */
export function withFilter(filters: Filters | undefined, key: string, value: string): Filters {
  const copy: Filters = new Map(
    [...(filters ?? new Map<string, Set<string>>())].map(([k, v]) => [k, new Set(v)]),
  );
  const values = copy.get(key) ?? new Set<string>();
  values.add(value);
  copy.set(key, values);
  return copy;
}

/** The repeatable `-c/--change` style flag: every value kept, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
