/** An integer flag (`-t, --timeout <int>`, `-n, --last <int>`) rejected in pflag's words. */

import { InvalidArgumentError, Option } from 'commander';
import { invalidFlagValue } from './command.js';

export function intOption(flags: string, description: string): Option {
  const option = new Option(flags, description);
  option.argParser((value: string) => {
    if (!/^[-+]?\d+$/.test(value)) {
      throw new InvalidArgumentError(
        invalidFlagValue(option, value, `strconv.ParseInt: parsing "${value}": invalid syntax`),
      );
    }
    return Number(value);
  });
  return option;
}
