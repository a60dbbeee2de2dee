// SocketSpace presence storm: N users connect one by one (each waits for its own connection
// before the next starts), and every presence frame any of them receives is counted — the
// original client's full `getOnlineUsers` lists, or the `userOnline`/`userOffline` deltas a
// client asks for with `auth: {presence: "delta"}`.
//
//   node presence.mjs --config users.json --count 1000 --mode full|delta [--settle-ms 1000]
//
// users.json as for relay.mjs. Prints one JSON line with the totals. Bounded: at most
// LIMITS.maxClients sockets, LIMITS.maxSeconds in all.

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";

const LIMITS = { maxClients: 5000, maxSeconds: 300, connectTimeoutMs: 15_000, maxSettleMs: 10_000 };
const PRESENCE = new Set(["getOnlineUsers", "userOnline", "userOffline"]);

function fail(message) {
  process.stderr.write(`presence: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { config: null, count: 1000, mode: "full", settleMs: 1000 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "").replace(/-(\w)/g, (_, c) => c.toUpperCase());
    const value = argv[i + 1];
    if (!(name in options) || value === undefined) fail(`unknown or incomplete option ${argv[i]}`);
    options[name] = name === "config" || name === "mode" ? value : Number(value);
  }
  if (!options.config) fail("--config is required");
  if (!["full", "delta"].includes(options.mode)) fail("--mode is full or delta");
  if (!(options.count >= 1 && options.count <= LIMITS.maxClients)) fail("--count out of range");
  options.settleMs = Math.min(Math.max(options.settleMs, 100), LIMITS.maxSettleMs);
  return options;
}

function connect(url, user, mode, tally) {
  const socket = io(url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    extraHeaders: { Cookie: `jwt=${user.token}`, Origin: url },
    timeout: LIMITS.connectTimeoutMs,
    ...(mode === "delta" ? { auth: { presence: "delta" } } : {}),
  });
  socket.onAny((event, ...args) => {
    if (!PRESENCE.has(event)) return;
    tally.frames += 1;
    tally.bytes += JSON.stringify([event, ...args]).length;
    tally.last = performance.now();
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(new Error(`${user.id}: ${err.message}`)));
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const config = JSON.parse(readFileSync(options.config, "utf8"));
  const url = new URL(config.url);
  if (url.hostname !== "127.0.0.1") fail(`refusing non-loopback url ${config.url}`);
  if (config.users.length < options.count) fail("not enough users in the config");
  setTimeout(() => fail("took too long"), LIMITS.maxSeconds * 1000).unref();

  const tally = { frames: 0, bytes: 0, last: performance.now() };
  const sockets = [];
  const started = performance.now();
  try {
    for (const user of config.users.slice(0, options.count)) {
      sockets.push(await connect(url.origin, user, options.mode, tally));
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

main();
