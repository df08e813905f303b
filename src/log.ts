/** The log port: everything human-facing goes to stderr so that stdout stays machine-readable. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export function createLogger(write: (line: string) => void, debugEnabled: boolean): Logger {
  return {
    info: (m) => write(m),
    warn: (m) => write(`warning: ${m}`),
    debug: (m) => {
      if (debugEnabled) write(`debug: ${m}`);
    },
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, debug: () => {} };
