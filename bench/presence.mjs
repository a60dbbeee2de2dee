// SocketSpace presence storm: N users connect one by one (each waits for its own connection
// before the next starts), and every presence frame any of them receives is counted — the
// original client's full `getOnlineUsers` lists, or the `userOnline`/`userOffline` deltas a
// client asks for with `auth: {presence: "delta"}`, or the one `presenceChanged` frame per
// announcement of `auth: {presence: "batch"}` (SocketSpace's web client).
//
//   node presence.mjs --config users.json --count 1000 --mode full|delta|batch [--settle-ms 1000]
//                     [--max-seconds 300]
//
// users.json as for relay.mjs. Prints one JSON line with the totals. Bounded: at most
// LIMITS.maxClients sockets, --max-seconds in all (at most LIMITS.maxSeconds).

import { performance } from "node:perf_hooks";
import { connect, failer, loadConfig, parseArgs } from "./lib.mjs";

const LIMITS = { maxClients: 5000, maxSeconds: 1800, maxSettleMs: 10_000 };
const PRESENCE = new Set(["getOnlineUsers", "userOnline", "userOffline", "presenceChanged"]);
const fail = failer("presence");

function readOptions() {
  const defaults = { config: null, count: 1000, mode: "full", settleMs: 1000, maxSeconds: 300 };
  const options = parseArgs(process.argv.slice(2), defaults, fail);
  if (!["full", "delta", "batch"].includes(options.mode)) fail("--mode is full, delta or batch");
  if (!(options.count >= 1 && options.count <= LIMITS.maxClients)) fail("--count out of range");
  options.settleMs = Math.min(Math.max(options.settleMs, 100), LIMITS.maxSettleMs);
  if (!(options.maxSeconds > 0 && options.maxSeconds <= LIMITS.maxSeconds)) {
    fail(`--max-seconds must be in (0, ${LIMITS.maxSeconds}]`);
  }
  return options;
}

function connectCounting(url, user, mode, tally) {
  const auth = mode === "full" ? undefined : { presence: mode };
  const listen = (socket) =>
    socket.onAny((event, ...args) => {
      if (!PRESENCE.has(event)) return;
      tally.frames += 1;
      tally.bytes += JSON.stringify([event, ...args]).length;
      tally.last = performance.now();
    });
  return connect(url, user, { auth, listen });
}

async function main() {
  const options = readOptions();
  const { url, users } = loadConfig(options.config, fail);
  if (users.length < options.count) fail("not enough users in the config");
  const tooLong = () => fail(`took longer than ${options.maxSeconds} s`);
  setTimeout(tooLong, options.maxSeconds * 1000).unref();

  const tally = { frames: 0, bytes: 0, last: performance.now() };
  const sockets = [];
  const started = performance.now();
  try {
    for (const user of users.slice(0, options.count)) {
      sockets.push(await connectCounting(url, user, options.mode, tally));
    }
  } catch (err) {
    fail(`connect failed: ${err.message}`);
  }
  const connectSeconds = (performance.now() - started) / 1000;
  // Wait until presence has been quiet for settleMs: every announcement has arrived.
  while (performance.now() - tally.last < options.settleMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const socket of sockets) socket.disconnect();
  process.stdout.write(
    `${JSON.stringify({
      mode: options.mode,
      clients: options.count,
      frames: tally.frames,
      bytes: tally.bytes,
      framesPerClient: Math.round((tally.frames / options.count) * 100) / 100,
      connectSeconds: Math.round(connectSeconds * 100) / 100,
    })}\n`,
  );
}

main().catch((err) => fail(err.stack ?? String(err)));
