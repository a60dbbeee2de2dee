// What the Node load generators share: options, the users file, one authenticated socket,
// and latency summaries.

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";

export const CONNECT_TIMEOUT_MS = 15_000;

export function failer(name) {
  return (message) => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(2);
  };
}

// `--some-name value` pairs into `defaults`' keys (someName); numbers unless the default is a
// string or null.
export function parseArgs(argv, defaults, fail) {
  const options = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "").replace(/-(\w)/g, (_, c) => c.toUpperCase());
    const value = argv[i + 1];
    if (!(name in options) || value === undefined) fail(`unknown or incomplete option ${argv[i]}`);
    const text = defaults[name] === null || typeof defaults[name] === "string";
    options[name] = text ? value : Number(value);
  }
  if (!options.config) fail("--config is required");
  return options;
}

// users.json: {"url": "http://127.0.0.1:PORT", "users": [{"id": "...", "token": "..."}, ...]}
export function loadConfig(path, fail) {
  const config = JSON.parse(readFileSync(path, "utf8"));
  return { url: loopbackOrigin(config.url, fail), users: config.users };
}

// The origin of `text`, refusing anything but the local machine: only ever load 127.0.0.1.
export function loopbackOrigin(text, fail) {
  const url = new URL(text);
  if (url.hostname !== "127.0.0.1") fail(`refusing non-loopback url ${text}`);
  return url.origin;
}

// One websocket of `user`, resolved once connected; `listen(socket)` attaches handlers before
// anything can arrive. No reconnection: a dropped socket must show up in the figures, not be
// papered over.
export function connect(url, user, { auth, listen } = {}) {
  const socket = io(url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    extraHeaders: { Cookie: `jwt=${user.token}`, Origin: url },
    timeout: CONNECT_TIMEOUT_MS,
    ...(auth ? { auth } : {}),
  });
  listen?.(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(new Error(`${user.id}: ${err.message}`)));
  });
}

export function round(x) {
  return Math.round(x * 100) / 100;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return round(sorted[Math.max(0, index)]);
}

export function summary(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length ? round(sorted[sorted.length - 1]) : null,
  };
}

// Open loop: calls send(k, lagMs) for k = 0 … total - 1 as soon as intended[k] (a
// performance.now() time, rising) has come, whatever became of the earlier ones, and `lagMs`
// is how late this process was in doing it; sleeps about 1 ms between turns. Resolves once all
// `total` are sent.
export function sendOnSchedule(intended, total, send) {
  let next = 0;
  return new Promise((resolve) => {
    function tick() {
      const now = performance.now();
      while (next < total && intended[next] <= now) {
        send(next, now - intended[next]);
        next++;
      }
      if (next >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, intended[next] - now)));
    }
    tick();
  });
}

// Resolves once done() is true (checked every 10 ms) or at `deadline` (performance.now()).
export function waitUntil(done, deadline) {
  return new Promise((resolve) => {
    function check() {
      if (done() || performance.now() >= deadline) resolve();
      else setTimeout(check, 10);
    }
    check();
  });
}
