import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerConfig } from '../oci/index.js';
import {
  dispatchConfigInstruction,
  isConfigInstruction,
  normalizeWorkdir,
  type DispatchState,
} from './config-dispatch.js';
import { parseDockerfile } from './parse-dockerfile.js';

/** Runs a Dockerfile's config instructions the way the builder will. */
function build(text: string, config: ContainerConfig = {}, buildArgEnv: string[] = []): DispatchState {
  const parsed = parseDockerfile(text);
  const state: DispatchState = { config, cmdSet: false, escapeToken: parsed.escapeToken, buildArgEnv };
  for (const instruction of parsed.instructions) {
    if (isConfigInstruction(instruction)) dispatchConfigInstruction(state, instruction);
  }
  return state;
}

describe('dispatchConfigInstruction (builder use)', () => {
  it('expands with build args after Env, without storing them', () => {
    const state = build('ENV A=env\nLABEL a=$A b=$VERSION\nWORKDIR /$VERSION', {}, ['VERSION=1.2', 'A=arg']);
    assert.deepEqual(state.config, { Env: ['A=env'], Labels: { a: 'arg', b: '1.2' }, WorkingDir: '/1.2' });
  });

  it('SHELL changes the shell of later shell-form commands', () => {
    const state = build('SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nCMD a | b');
    assert.deepEqual(state.config.Cmd, ['/bin/bash', '-o', 'pipefail', '-c', 'a | b']);
    assert.deepEqual(state.config.Shell, ['/bin/bash', '-o', 'pipefail', '-c']);
  });

  it('uses the escape directive for expansion', () => {
    const state = build('# escape=`\nENV P=C:\\dir` `$HOME');
    assert.deepEqual(state.config.Env, ['P=C:\\dir $HOME']);
  });

  it('remembers a CMD across later instructions, as a build stage does', () => {
    const state = build('CMD ["x"]\nENV A=1\nENTRYPOINT ["/e"]', { Cmd: ['base'] });
    assert.equal(state.cmdSet, true);
    assert.deepEqual([state.config.Entrypoint, state.config.Cmd], [['/e'], ['x']]);
  });

  it('normalizeWorkdir refuses nothing', () => {
    assert.throws(() => normalizeWorkdir('/a', ''), { message: 'cannot normalize nothing' });
    assert.equal(normalizeWorkdir('', 'x/y/'), '/x/y');
  });
});
