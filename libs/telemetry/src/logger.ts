import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/** One structured JSON logger per process; `component` says which app or stage wrote a line. */
export function createLogger(component: string, level: LevelWithSilent | string = 'info'): Logger {
  return pino({ level, base: { component, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
