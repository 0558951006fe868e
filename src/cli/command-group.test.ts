import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runLading } from './testing/run-cli.js';

const IMAGE_HELP = `Usage:  lading image COMMAND

Manage images

Commands:
  history     Show the history of an image
  import      Import the contents from a tarball to create a filesystem image
  inspect     Display detailed information on one or more images
  load        Load an image from a tar archive or STDIN
  ls          List images
  prune       Remove unused images
  pull        Download an image from a registry
  push        Upload an image to a registry
  rm          Remove one or more images
  save        Save one or more images to a tar archive (streamed to STDOUT by default)
  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE

Run 'lading image COMMAND --help' for more information on a command.
`;

describe('command groups', () => {
  it("lists subcommands in docker's layout", async () => {
    const r = await runLading(['image', '--help']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, IMAGE_HELP);
    const s = await runLading(['system', '--help']);
    assert.match(
      s.stdout,
      /^Usage: {2}lading system COMMAND\n\nManage lading\n\nCommands:\n {2}check {7}.*\n {2}df {10}Show lading disk usage\n {2}events {6}.*\n {2}info {8}.*\n\n/,
    );
  });

  it('bare group: help on stderr, exit 0; unknown subcommand: exit 1', async () => {
    const bare = await runLading(['image']);
    assert.equal(bare.code, 0);
    assert.equal(bare.stderr, IMAGE_HELP);
    const bogus = await runLading(['image', 'bogus']);
    assert.equal(bogus.code, 1);
    assert.equal(
      bogus.stderr,
      "lading: unknown command: lading image bogus\n\nUsage:  lading image\n\nRun 'lading image --help' for more information\n",
    );
  });

  it('aliases reach the same commands', async () => {
    for (const args of [
      ['image', 'list'],
      ['image', 'remove'],
      ['image', 'rmi'],
    ]) {
      const r = await runLading([...args, '--bogus']);
      assert.equal(r.code, 125, args.join(' '));
    }
  });
});
