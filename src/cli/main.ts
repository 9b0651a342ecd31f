import { PoolError } from '../core/pool/pool';
import { OutputError } from '../core/report/atomic-write';
import {
  DESIGN_OPTIONS,
  EXPORT_OPTIONS,
  POOL_OPTIONS,
  UsageError,
  parseCommand,
} from './arguments';
import { designCommand, exportCommand, scoreCommand, type Console } from './commands';
import { HELP } from './help';
import { parseSimulateArgs, simulateCommand } from './simulate-command';

/**
 * The command line: `pair-curator design|score|export|simulate FILE [options]`. Exit status 0
 * when done, 1 on bad input (the pool) or an output that failed to write, 2 on bad usage
 * (options, and output paths that cannot work, found before any work); errors go to stderr.
 */
export async function main(argv: string[], io: Console): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(HELP.main);
    return command === undefined ? 2 : 0;
  }
  try {
    if (!['design', 'score', 'export', 'simulate'].includes(command)) {
      throw new UsageError(`unknown command '${command}'`);
    }
    if (command === 'simulate') {
      const { pool, values } = parseSimulateArgs(args);
      if (values.help) {
        io.out(HELP.simulate);
        return 0;
      }
      await simulateCommand(pool, values, io);
      return 0;
    }
    const options =
      command === 'design' ? DESIGN_OPTIONS : command === 'export' ? EXPORT_OPTIONS : POOL_OPTIONS;
    const { pool, values } = parseCommand(command, args, options);
    if (values.help || pool === undefined) {
      io.out(HELP[command]);
      return 0;
    }
    if (command === 'design') await designCommand(pool, values, io);
    else if (command === 'score') await scoreCommand(pool, values, io);
    else await exportCommand(pool, values, io);
    return 0;
  } catch (error) {
    if (error instanceof OutputError && error.beforeWork) {
      io.err(`pair-curator: ${error.message}`);
      return 2;
    }
    if (error instanceof UsageError) {
      io.err(`pair-curator: ${error.message}`);
      io.err(`Run 'pair-curator ${error.command ?? ''} --help'.`.replace('  ', ' '));
      return 2;
    }
    if (io.signal?.aborted) {
      io.err('pair-curator: interrupted; no output was written or changed');
      return 130;
    }
    io.err(`pair-curator: ${describe(error)}`);
    return 1;
  }
}

function describe(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof PoolError) {
    const where = [error.file, error.line].filter((p) => p !== undefined).join(':');
    const prefix = `${where}${error.field ? ` (${error.field})` : ''}`;
    const text = message.length > 600 ? `${message.slice(0, 600)}...` : message;
    return text.startsWith(where) ? text : `${prefix}: ${text}`;
  }
  return message;
}

/**
 * Pool content reaches the terminal (ids, messages quoting fields): control characters are shown
 * as escapes so that a hostile file cannot move the cursor or retitle the window.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) =>
    c === '\r' ? '' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

if (require.main === module) {
  // A reader that stops early (`| head`) closes the pipe: the run's outputs are on disk already,
  // so the summary it did not want is simply dropped.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  // The first Ctrl-C stops the run between steps (a text model's new vectors still reach the
  // cache, no output is half-written); a second one ends the process at once.
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(130);
    process.stderr.write('\npair-curator: stopping (Ctrl-C again to quit at once)\n');
    interrupt.abort();
  });
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${printable(text)}\n`),
    err: (text) => process.stderr.write(`${printable(text)}\n`),
    signal: interrupt.signal,
  }).then(
    (status) => (process.exitCode = status),
    (error) => {
      process.stderr.write(`pair-curator: internal error: ${(error as Error).stack}\n`);
      process.exitCode = 1;
    },
  );
}
