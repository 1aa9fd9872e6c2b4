import { parentPort, workerData } from 'node:worker_threads';
import { Mailbox, readLaterPart, type LaterPartInput, type LayMessage } from './later-part.js';

// The worker thread of the parallel orders pass: reads the second half of the file (and maybe
// the first half's tail), posts its results back and lays its ledger out where the main thread
// says (see parallel-orders.ts). Compiled next to parallel-orders.js, which starts it by URL;
// the main thread ends it once its last field is laid out.
const inbox = new Mailbox<LayMessage>();
parentPort!.on('message', (m: LayMessage) => inbox.put(m));
await readLaterPart(workerData as LaterPartInput, (message, transfer) => parentPort!.postMessage(message, transfer), () => inbox.take());
