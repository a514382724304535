// Types for comlink's node adapter, which comlink ships as an .mjs file whose
// declarations TypeScript's NodeNext resolution does not find (it looks for a
// .d.mts). The adapter turns a Node MessagePort into a comlink Endpoint.

declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { MessagePort } from 'node:worker_threads';

  export default function nodeEndpoint(port: MessagePort): Endpoint;
}
