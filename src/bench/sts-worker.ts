/**
 * The bench's STS emulator, in its own thread: real STS runs elsewhere, so its CPU time (SigV4
 * verification, XML) must not queue behind the client's on one event loop and blur the figures.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startStsEmulator } from '../emulator/sts.js';
import type { StsEmulatorOptions } from '../emulator/sts.js';

const sts = await startStsEmulator(workerData as StsEmulatorOptions);
parentPort?.postMessage({ url: sts.url });
parentPort?.on('message', (message: unknown) => {
  if (message === 'close') void sts.close().then(() => parentPort?.close());
});
