// SocketSpace idle connections: open N authenticated websockets (round-robin over the users in
// the config, so a user may have several, as with several tabs), a few at a time, and keep them
// open and quiet until stdin closes or a line arrives on it, so that the caller can measure the
// server's memory meanwhile.
//
//   node idle.mjs --config users.json --count 5000 [--concurrency 50] [--hold-seconds 120]
//                 [--presence delta|full]
//
// --presence delta (the default) connects as SocketSpace's web client does, asking for
// `userOnline`/`userOffline`; full as the original client, which gets whole online lists.
//
// Prints `{"event":"connected",...}` once every socket is open, then, when released, one JSON
// line with how many dropped while held. Bounded: at most LIMITS.maxClients sockets, held at
// most LIMITS.maxHoldSeconds.

import { performance } from "node:perf_hooks";
import { connect, failer, loadConfig, parseArgs, round } from "./lib.mjs";

const LIMITS = { maxClients: 20_000, maxConcurrency: 500, maxHoldSeconds: 600 };
const fail = failer("idle");

function readOptions() {
  const defaults = {
    config: null,
    count: 5000,
    concurrency: 50,
    holdSeconds: 120,
    presence: "delta",
  };
  const options = parseArgs(process.argv.slice(2), defaults, fail);
  if (!["full", "delta"].includes(options.presence)) fail("--presence is delta or full");
  if (!(options.count >= 1 && options.count <= LIMITS.maxClients)) fail("--count out of range");
  if (!(options.concurrency >= 1 && options.concurrency <= LIMITS.maxConcurrency)) {
    fail("--concurrency out of range");
  }
  if (!(options.holdSeconds > 0 && options.holdSeconds <= LIMITS.maxHoldSeconds)) {
    fail("--hold-seconds out of range");
  }
  return options;
}

async function main() {
  const options = readOptions();
  const { url, users } = loadConfig(options.config, fail);
  if (users.length === 0) fail("no users in the config");
  const sockets = [];
  let disconnects = 0;
  const listen = (socket) => socket.on("disconnect", () => disconnects++);
  const auth = options.presence === "delta" ? { presence: "delta" } : undefined;
  const started = performance.now();
  try {
    for (let first = 0; first < options.count; first += options.concurrency) {
      const last = Math.min(options.count, first + options.concurrency);
      const batch = [];
      for (let i = first; i < last; i++) {
        batch.push(connect(url, users[i % users.length], { auth, listen }));
      }
      sockets.push(...(await Promise.all(batch)));
    }
  } catch (err) {
    fail(`connect failed after ${sockets.length} sockets: ${err.message}`);
  }
  const connectSeconds = round((performance.now() - started) / 1000);
  process.stdout.write(
    `${JSON.stringify({ event: "connected", connections: sockets.length, connectSeconds })}\n`,
  );

  // Hold until released (a line on stdin, or stdin closed), at most maxHoldSeconds.
  await new Promise((resolve) => {
    setTimeout(resolve, options.holdSeconds * 1000);
    process.stdin.once("data", resolve);
    process.stdin.once("end", resolve);
  });
  const droppedWhileHeld = disconnects;
  for (const socket of sockets) socket.disconnect();
  process.stdout.write(
    `${JSON.stringify({ connections: sockets.length, connectSeconds, droppedWhileHeld })}\n`,
  );
  process.exit(0);
}

main().catch((err) => fail(err.stack ?? String(err)));
