// SocketSpace presence storm: N users connect one by one (each waits for its own connection
// before the next starts), and every presence frame any of them receives is counted — the
// original client's full `getOnlineUsers` lists, or the `userOnline`/`userOffline` deltas a
// client asks for with `auth: {presence: "delta"}`, or the one `presenceChanged` frame per
// announcement of `auth: {presence: "batch"}` (SocketSpace's web client).
//
//   node presence.mjs --config users.json --count 1000 --mode full|delta|batch [--settle-ms 1000]
//                     [--max-seconds 300]
//
// It ends when every client sees every other one online (however long the server collects
// changes before announcing them), then presence has been quiet for --settle-ms.
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

/** What one client believes is online, kept up to date from the frames it receives. */
function track(seen, event, payload) {
  if (event === "getOnlineUsers") {
    seen.clear();
    for (const id of payload) seen.add(id);
  } else if (event === "userOnline") {
    seen.add(payload.userId);
  } else if (event === "userOffline") {
    seen.delete(payload.userId);
  } else if (event === "presenceChanged") {
    for (const id of payload.online) seen.add(id);
    for (const gone of payload.offline) seen.delete(gone.userId);
  }
}

function connectCounting(url, user, mode, tally, seen) {
  const auth = mode === "full" ? undefined : { presence: mode };
  const listen = (socket) =>
    socket.onAny((event, ...args) => {
      if (!PRESENCE.has(event)) return;
      tally.frames += 1;
      tally.bytes += JSON.stringify([event, ...args]).length;
      tally.last = performance.now();
      track(seen, event, args[0]);
    });
  return connect(url, user, { auth, listen });
}

/** Every client sees every other one online. */
function converged(views, ids) {
  return views.every((seen) => ids.every((id) => seen.has(id)));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const options = readOptions();
  const { url, users } = loadConfig(options.config, fail);
  const tooLong = () => fail(`took longer than ${options.maxSeconds} s`);
  setTimeout(tooLong, options.maxSeconds * 1000).unref();

  if (users.length < options.count + 1) fail("the config needs one more user, for the probe");
  // The probe sees presence as a client would; the storm starts once it sees nobody online
  // (the people of a storm before this one have been announced gone). Not counted.
  const probeView = new Set();
  const probeUser = users[options.count];
  const probeTally = { frames: 0, bytes: 0 };
  const probe = await connectCounting(url, probeUser, "batch", probeTally, probeView);
  // Its first frame is the online list, sent just after the connection is accepted.
  while (probeTally.frames === 0 || [...probeView].some((id) => id !== probeUser.id)) {
    await sleep(50);
  }

  const tally = { frames: 0, bytes: 0, last: performance.now() };
  const chosen = users.slice(0, options.count);
  const ids = chosen.map((user) => user.id);
  const views = chosen.map(() => new Set());
  const sockets = [];
  const started = performance.now();
  try {
    for (const [i, user] of chosen.entries()) {
      sockets.push(await connectCounting(url, user, options.mode, tally, views[i]));
    }
  } catch (err) {
    fail(`connect failed: ${err.message}`);
  }
  const connectSeconds = (performance.now() - started) / 1000;
  // Every announcement must be counted, however long the server's announcement window:
  // wait until everyone sees everyone online, then until presence has been quiet for
  // settleMs (a frame that was still on its way). Bounded by --max-seconds above.
  while (!converged(views, ids)) await sleep(50);
  const convergedSeconds = (performance.now() - started) / 1000;
  while (performance.now() - tally.last < options.settleMs) await sleep(50);
  for (const socket of [...sockets, probe]) socket.disconnect();
  process.stdout.write(
    `${JSON.stringify({
      mode: options.mode,
      clients: options.count,
      frames: tally.frames,
      bytes: tally.bytes,
      framesPerClient: Math.round((tally.frames / options.count) * 100) / 100,
      connectSeconds: Math.round(connectSeconds * 100) / 100,
      convergedSeconds: Math.round(convergedSeconds * 100) / 100,
    })}\n`,
  );
}

main().catch((err) => fail(err.stack ?? String(err)));
