import { parentPort, workerData } from 'node:worker_threads';
import { readLaterPart, type LaterPartInput } from './parallel-orders.js';

// The worker thread of the parallel orders pass: reads the second half of the file and posts
// its results back (see parallel-orders.ts). Compiled next to parallel-orders.js, which
// starts it by URL.
await readLaterPart(workerData as LaterPartInput, (message, transfer) => parentPort!.postMessage(message, transfer));
