/**
 * Stands in for node-fetch in the Lambda bundles (an esbuild alias in lib/pipeline-function.ts).
 * grammY's Node build imports node-fetch as its default fetch, but telegramApi() always passes Node's
 * own, so this is never called for requests; it keeps node-fetch and whatwg-url (~300 KB) out.
 */
export default globalThis.fetch;
