/**
 * The disk and network as `awsfed doctor` sees them: a port, so that the command's tests can give it
 * crafted answers, and the real one here. Reads go through ini-read's readText (regular files only, size
 * capped: a FIFO in place of a file cannot hang the doctor either).
 */
import { readdirSync, statSync } from 'node:fs';
import { readText } from '../credentials/ini-read.js';
import type { StartNegotiate } from '../idp/adfs/negotiate.js';
import type { SessionFileCheck } from '../session/session-store.js';
import type { PathStat } from './permission-checks.js';
import { type HttpProbe, type ProbeOptions, type ProbeResult, type TlsInfo, probeConnect, probeHttp } from './net-probes.js';

export interface DoctorSystem {
  /** The file's text, undefined when missing; throws a FileError when unreadable. */
  readText(path: string): string | undefined;
  stat(path: string): PathStat;
  /** File names in a directory; [] when it does not exist. */
  list(dir: string): string[];
  /** The user's uid; undefined where there is none (Windows). */
  uid: number | undefined;
  /** An IdP session file judged as the session store judges it when a login loads it. */
  inspectSession(file: string, now: number, host?: string): Promise<SessionFileCheck>;
  probeHttp(url: string, options: ProbeOptions): Promise<ProbeResult<HttpProbe>>;
  probeConnect(url: string, options: ProbeOptions): Promise<ProbeResult<{ tls?: TlsInfo }>>;
  /** Starts a Kerberos exchange for the IdP (default: the real one, src/idp/adfs/negotiate.ts). */
  negotiate?: StartNegotiate;
}

export function nodeDoctorSystem(): DoctorSystem {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return {
    readText,
    stat(path) {
      try {
        const s = statSync(path);
        return { path, mode: s.mode, uid: s.uid, isDirectory: s.isDirectory() };
      } catch {
        return { path };
      }
    },
    list(dir) {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
    uid,
    async inspectSession(file, now, host) {
      // The store (and tough-cookie with it) loads only when there are session files to look at.
      const { inspectSessionFile } = await import('../session/session-store.js');
      return inspectSessionFile(file, { uid, now, ...(host !== undefined ? { host } : {}) });
    },
    probeHttp,
    probeConnect,
  };
}
