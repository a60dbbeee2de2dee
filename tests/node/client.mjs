// A scriptable socket.io-client v4 (the npm package browsers use), driven over JSON lines.
//
// Used by tests/realtime/test_node_client.py. Every line on stdin is one command; every line on
// stdout is one JSON object:
//
//   in:  {"cmd": "connect", "id": 1, "name": "alice", "url": "http://127.0.0.1:8000",
//         "token": "<jwt cookie>", "origin": "<Origin header>", "auth": {...}, "timeoutMs": 5000}
//   out: {"id": 1, "ok": true, "socketId": "..."}  or  {"id": 1, "ok": false, "error": "...", "data": ...}
//
//   in:  {"cmd": "emit", "id": 2, "name": "alice", "event": "sendMessage", "data": {...},
//         "ack": true, "timeoutMs": 5000}
//   out: {"id": 2, "ok": true, "ack": <the server's ack>}  or  {"id": 2, "ok": false, "error": "timeout"}
//        (without "ack": {"id": 2, "ok": true} once the packet is handed to the socket)
//
//   in:  {"cmd": "flood", "id": 4, "name": "mallory", "event": "sendMessage", "data": {...},
//         "count": 10000, "timeoutMs": 30000}
//   out: {"id": 4, "ok": true, "codes": {"ok": 120, "rate_limited": 9880}, "ms": 1234}
//        (`count` events with acks, as fast as the socket takes them; `data.clientId`, when
//        given, gets "-<n>" appended so that each one is a new message)
//
//   in:  {"cmd": "disconnect", "id": 3, "name": "alice"}
//   out: {"id": 3, "ok": true}
//
//   every event a socket receives:      {"name": "bob", "event": "newMessage", "args": [...]}
//   a socket's connection ending:       {"name": "bob", "event": "disconnect", "args": [reason]}
//
// The first line is {"ready": true, "version": "<socket.io-client version>"}. Everything is
// bounded: connects and acks by their timeouts, the whole process by MAX_SECONDS. The process
// disconnects every socket and exits when stdin closes.

import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const require = createRequire(import.meta.url);
const { version } = require("socket.io-client/package.json");

const DEFAULT_TIMEOUT_MS = 5000;
const MAX_SECONDS = Number(process.env.SOCKETSPACE_NODE_CLIENT_MAX_SECONDS || 300);

const sockets = new Map();

function out(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`);
}

function reply(id, fields) {
  out({ id, ...fields });
}

function connect(command) {
  const { id, name, url, token, origin, auth } = command;
  const timeoutMs = command.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof name !== "string" || typeof url !== "string") {
    reply(id, { ok: false, error: "connect needs a name and a url" });
    return;
  }
  const previous = sockets.get(name);
  if (previous?.connected) {
    reply(id, { ok: false, error: `${name} is already connected` });
    return;
  }
  // Exactly the options of the original web client, plus what Node cannot do by itself:
  // a browser sends the page's cookie and Origin on the handshake; Node sends neither.
  // The header name is lowercase on purpose: with withCredentials, engine.io-client in Node
  // adds its own (empty) cookie jar under `headers.cookie`, which would override a `Cookie`.
  const extraHeaders = { origin: origin ?? url };
  if (typeof token === "string") {
    extraHeaders.cookie = `jwt=${token}`;
  }
  const socket = io(url, {
    withCredentials: true,
    transports: ["websocket"],
    extraHeaders,
    ...(auth === undefined ? {} : { auth }),
    // One process plays several browsers: never share (multiplex) one connection between them.
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
  });
  sockets.set(name, socket);

  let settled = false;
  const settle = (fields) => {
    if (settled) return;
    settled = true;
    clearTimeout(guard);
    reply(id, fields);
  };
  const guard = setTimeout(() => {
    socket.disconnect();
    settle({ ok: false, error: "timeout" });
  }, timeoutMs + 1000);

  socket.onAny((event, ...args) => {
    out({ name, event, args });
  });
  socket.on("connect", () => {
    settle({ ok: true, socketId: socket.id });
  });
  socket.on("connect_error", (error) => {
    settle({ ok: false, error: error.message, data: error.data ?? null });
  });
  socket.on("disconnect", (reason) => {
    out({ name, event: "disconnect", args: [reason] });
  });
}

async function emit(command) {
  const { id, name, event, data } = command;
  const socket = sockets.get(name);
  if (!socket?.connected) {
    reply(id, { ok: false, error: `${name} is not connected` });
    return;
  }
  if (typeof event !== "string") {
    reply(id, { ok: false, error: "emit needs an event" });
    return;
  }
  const args = data === undefined ? [] : [data];
  if (!command.ack) {
    socket.emit(event, ...args);
    reply(id, { ok: true });
    return;
  }
  try {
    const ack = await socket
      .timeout(command.timeoutMs ?? DEFAULT_TIMEOUT_MS)
      .emitWithAck(event, ...args);
    reply(id, { ok: true, ack });
  } catch (error) {
    reply(id, { ok: false, error: error.message === "operation has timed out" ? "timeout" : error.message });
  }
}

async function flood(command) {
  const { id, name, event, data } = command;
  const socket = sockets.get(name);
  if (!socket?.connected || typeof event !== "string") {
    reply(id, { ok: false, error: `${name} is not connected, or no event` });
    return;
  }
  const count = Math.min(Number(command.count) || 0, 100000);
  const timeoutMs = command.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const codes = {};
  const tally = (code) => {
    codes[code] = (codes[code] ?? 0) + 1;
  };
  const started = Date.now();
  const pending = [];
  for (let n = 0; n < count; n += 1) {
    const payload = data?.clientId ? { ...data, clientId: `${data.clientId}-${n}` } : data;
    pending.push(
      socket
        .timeout(timeoutMs)
        .emitWithAck(event, payload)
        .then(
          (ack) => tally(ack?.ok ? "ok" : String(ack?.code)),
          () => tally("timeout"),
        ),
    );
  }
  await Promise.all(pending);
  reply(id, { ok: true, codes, ms: Date.now() - started });
}

function disconnect(command) {
  const { id, name } = command;
  const socket = sockets.get(name);
  if (!socket) {
    reply(id, { ok: false, error: `no socket called ${name}` });
    return;
  }
  socket.disconnect();
  sockets.delete(name);
  reply(id, { ok: true });
}

function handle(line) {
  if (!line.trim()) return;
  let command;
  try {
    command = JSON.parse(line);
  } catch (error) {
    out({ ok: false, error: `not JSON: ${error.message}`, line });
    return;
  }
  switch (command.cmd) {
    case "connect":
      connect(command);
      break;
    case "emit":
      emit(command);
      break;
    case "flood":
      flood(command);
      break;
    case "disconnect":
      disconnect(command);
      break;
    default:
      reply(command.id ?? null, { ok: false, error: `unknown cmd ${JSON.stringify(command.cmd)}` });
  }
}

function shutdown(code) {
  for (const socket of sockets.values()) {
    socket.disconnect();
  }
  sockets.clear();
  process.exitCode = code;
  // Closed sockets let the process end by itself; this is only the backstop.
  setTimeout(() => process.exit(code), 2000).unref();
}

setTimeout(() => {
  out({ fatal: `still running after ${MAX_SECONDS}s, giving up` });
  shutdown(2);
}, MAX_SECONDS * 1000).unref();

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", handle);
lines.on("close", () => shutdown(0));

out({ ready: true, version });
