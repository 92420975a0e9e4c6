import { Agent, request } from "node:http";
import { setTimeout } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startDynalite, startSqs } from "../../local/emulators";
import { type StreamProxy, startStreamProxy } from "../../local/stream-proxy";

/** One request on a kept-alive agent: whether it went out on a socket an earlier request used. */
const post = (endpoint: string, agent: Agent) =>
  new Promise<{ reused: boolean }>((resolve, reject) => {
    const outgoing = request(
      endpoint,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": "DynamoDB_20120810.ListTables",
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ reused: outgoing.reusedSocket }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end("{}");
  });

/**
 * Node closes a server's idle keep-alive connections after 5 s. An SDK request sent on one as it
 * closed was carried out, its answer lost, and the SDK sent it again: a close queued twice, a put
 * refused as a duplicate (up to 11 extra deliveries in a default `npm start`). The emulators keep them.
 */
describe("the local emulators keep idle connections open, as AWS's endpoints do", () => {
  let dynalite: RunningEmulator;
  let sqs: RunningEmulator;
  let proxy: StreamProxy;
  beforeAll(async () => {
    [dynalite, sqs] = await Promise.all([startDynalite(), startSqs()]);
    proxy = await startStreamProxy(dynalite.endpoint);
  });
  afterAll(async () => {
    await proxy?.close();
    await Promise.all([dynalite?.close(), sqs?.close()]);
  });

  it("answers a request after 6 s of quiet on the same connection", async () => {
    const endpoints = { dynalite: dynalite.endpoint, sqs: sqs.endpoint, proxy: proxy.endpoint };
    const agents = Object.values(endpoints).map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
    const firsts = await Promise.all(
      Object.values(endpoints).map((endpoint, i) => post(endpoint, agents[i] as Agent)),
    );
    expect(firsts.map((first) => first.reused)).toEqual([false, false, false]);
    await setTimeout(6_000);
    const seconds = await Promise.all(
      Object.values(endpoints).map((endpoint, i) => post(endpoint, agents[i] as Agent)),
    );
    expect(Object.fromEntries(Object.keys(endpoints).map((name, i) => [name, seconds[i]?.reused]))).toEqual({
      dynalite: true,
      sqs: true,
      proxy: true,
    });
    for (const agent of agents) agent.destroy();
  }, 30_000);
});
