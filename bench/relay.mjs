// SocketSpace relay load generator: P pairs of users, one websocket each, every user sending
// to its partner. Open loop: message k is *meant* to leave at t0 + k/R whatever the server is
// doing, and delivery latency is measured from that intended time to the partner's
// `newMessage`, so a stalled server shows up as latency instead of as a slower sender
// ("coordinated omission").
//
//   node relay.mjs --config users.json --rate 2000 --duration 5 [--path socket|rest] [--grace 3]
//                  [--max-messages N] [--http-connections N]
//
// --path socket sends with `sendMessage` and an ack; --path rest with POST
// /api/messages/send/:id, the HTTP answer being the ack. Either way the partner receives
// `newMessage` over its socket. REST sends go over one keep-alive connection per user, or
// with --http-connections N over N shared ones (user i always on connection i mod N).
//
// users.json: {"url": "http://127.0.0.1:PORT", "users": [{"id": "...", "token": "..."}, ...]};
// users 2i and 2i+1 are partners. A user with its own "url" connects there instead (e.g. the
// partners on two server processes). Prints one line `{"event":"start"}` when the sockets are
// connected and sending begins, then one line with the result JSON. Exit code 0 unless the
// run could not start (bad arguments, connection failure).

import http from "node:http";
import { performance } from "node:perf_hooks";
import {
  CONNECT_TIMEOUT_MS,
  connect,
  failer,
  loadConfig,
  loopbackOrigin,
  parseArgs,
  round,
  sendOnSchedule,
  summary,
  waitUntil,
} from "./lib.mjs";

const LIMITS = {
  maxDurationSeconds: 120,
  maxGraceSeconds: 30,
  maxMessages: 2_000_000,
  maxHttpConnections: 256,
};
const fail = failer("relay");

function readOptions() {
  const defaults = {
    config: null,
    path: "socket",
    rate: 1000,
    duration: 5,
    grace: 3,
    pairs: null, // default: every pair in the config
    maxMessages: 500_000,
    textBytes: 40,
    httpConnections: 0, // 0: one keep-alive connection per user
  };
  const options = parseArgs(process.argv.slice(2), defaults, fail);
  for (const name of ["rate", "duration", "grace", "maxMessages", "textBytes", "httpConnections"]) {
    if (Number.isNaN(options[name])) fail(`--${name} must be a number`);
  }
  if (options.pairs !== null) options.pairs = Number(options.pairs);
  if (!["socket", "rest"].includes(options.path)) fail("--path is socket or rest");
  if (!(options.rate > 0)) fail("--rate must be > 0");
  if (!(options.duration > 0 && options.duration <= LIMITS.maxDurationSeconds)) {
    fail(`--duration must be in (0, ${LIMITS.maxDurationSeconds}]`);
  }
  if (!(options.grace >= 0 && options.grace <= LIMITS.maxGraceSeconds)) {
    fail(`--grace must be in [0, ${LIMITS.maxGraceSeconds}]`);
  }
  if (!(options.httpConnections >= 0 && options.httpConnections <= LIMITS.maxHttpConnections)) {
    fail(`--http-connections must be in [0, ${LIMITS.maxHttpConnections}]`);
  }
  options.maxMessages = Math.min(options.maxMessages, LIMITS.maxMessages);
  return options;
}

function loadUsers(options) {
  const { url, users } = loadConfig(options.config, fail);
  const pairs = options.pairs ?? Math.floor(users.length / 2);
  if (!(pairs >= 1 && pairs * 2 <= users.length)) fail("not enough users for --pairs");
  // A user may name a server of its own (partners on two processes); loopback only, too.
  const own = (user) => (user.url ? loopbackOrigin(user.url, fail) : url);
  return { url, users: users.slice(0, pairs * 2).map((user) => ({ ...user, url: own(user) })) };
}

// REST send, as the web client does it: POST /api/messages/send/:receiverId with the jwt
// cookie and our Origin (the CSRF check); the HTTP answer plays the part of the socket ack.
// Each user sends over one keep-alive connection, so a user's requests reach the server in
// the order they were made (HTTP promises no order between requests in flight on several
// connections, and a sender who cares about order, like a chat client, keeps to one).
// `shared` > 0: that many connections, several users on each (user i on connection i mod
// shared, so each user's order still holds), as a front end's pool of connections would be;
// requests queue in the generator while their connection awaits an answer, and that wait
// counts in their latency.
function restSender(url, users, shared) {
  const agents = new Map(); // user id -> its connection (an Agent of one socket)
  const slots = shared > 0 ? Array.from({ length: shared }, () => null) : null;
  let created = 0;
  const newAgent = () => {
    if (++created > LIMITS.maxHttpConnections) fail("too many REST connections");
    return new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
  };
  const indexOf = new Map(users.map((user, index) => [user.id, index]));
  const agentOf = (user) => {
    if (!agents.has(user.id)) {
      if (slots) {
        const slot = indexOf.get(user.id) % shared;
        slots[slot] ??= newAgent();
        agents.set(user.id, slots[slot]);
      } else {
        agents.set(user.id, newAgent());
      }
    }
    return agents.get(user.id);
  };
  const { hostname, port } = new URL(url);
  return (user, payload, onAck) => {
    const body = JSON.stringify({ text: payload.text, clientId: payload.clientId });
    const request = http.request(
      {
        agent: agentOf(user),
        hostname,
        port,
        method: "POST",
        path: `/api/messages/send/${payload.receiverId}`,
        headers: {
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(body),
          Cookie: `jwt=${user.token}`,
          Origin: url,
          "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) socketspace-bench",
        },
      },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => {
          if (response.statusCode < 300) return onAck({ ok: true });
          let code = `http_${response.statusCode}`;
          try {
            code = JSON.parse(Buffer.concat(chunks).toString()).code ?? code;
          } catch {
            // not JSON: keep the status
          }
          onAck({ ok: false, code });
        });
      },
    );
    request.on("error", (err) => onAck({ ok: false, code: err.code ?? "network" }));
    request.end(body);
  };
}

async function main() {
  const options = readOptions();
  const { url, users } = loadUsers(options);
  const total = Math.min(Math.round(options.rate * options.duration), options.maxMessages);
  const runId = Math.random().toString(36).slice(2, 10); // keeps clientIds unique across runs
  const text = "x".repeat(Math.max(1, options.textBytes));

  let sockets;
  try {
    sockets = await Promise.all(users.map((user) => connect(user.url, user)));
  } catch (err) {
    fail(`connect failed: ${err.message}`);
  }

  // Per message k: intended send time; filled in as the ack and the delivery come back.
  const intended = new Float64Array(total);
  const sendLag = new Float64Array(total); // how late this process itself emitted each one
  const delivered = new Uint8Array(total);
  const deliveryMs = [];
  const ackMs = [];
  const errorCodes = {};
  let sent = 0;
  let acked = 0;
  let errors = 0;
  let duplicates = 0;
  let misrouted = 0;
  let outOfOrder = 0;
  let unknown = 0;
  let echoes = 0;
  let disconnects = 0;
  let lastDeliveryAt = 0;
  const lastSeqFrom = new Map(); // "sender>receiver" -> highest k delivered so far
  // Per second of intended send time: how many were delivered and the worst latency, to tell
  // a steady overload from a single stall.
  const seconds = Math.ceil(options.duration);
  const timeline = Array.from({ length: seconds }, () => ({ delivered: 0, maxMs: 0 }));

  const prefix = `b${runId}-`;
  users.forEach((user, index) => {
    const socket = sockets[index];
    socket.on("disconnect", () => disconnects++);
    socket.on("newMessage", (message) => {
      const now = performance.now();
      // The sender's own other connections see its messages too (REST sends have no sending
      // socket to skip): not a delivery.
      if (message?.senderId === user.id) {
        echoes++;
        return;
      }
      const id = message?.clientId;
      if (typeof id !== "string" || !id.startsWith(prefix)) {
        unknown++;
        return;
      }
      const k = Number(id.slice(prefix.length));
      if (!(k >= 0 && k < sent)) {
        unknown++;
        return;
      }
      if (delivered[k]) {
        duplicates++;
        return;
      }
      delivered[k] = 1;
      const latency = now - intended[k];
      deliveryMs.push(latency);
      const slot = timeline[Math.min(seconds - 1, Math.floor(k / options.rate))];
      slot.delivered++;
      slot.maxMs = Math.max(slot.maxMs, round(latency));
      lastDeliveryAt = now;
      if (message.receiverId !== user.id) misrouted++;
      const stream = `${message.senderId}>${user.id}`;
      if ((lastSeqFrom.get(stream) ?? -1) > k) outOfOrder++;
      else lastSeqFrom.set(stream, k);
    });
  });

  const restSend =
    options.path === "rest" ? restSender(url, users, options.httpConnections) : null;
  function send(k) {
    const from = k % users.length;
    const to = from ^ 1; // partner: 0<->1, 2<->3, ...
    const payload = { receiverId: users[to].id, text, clientId: `${prefix}${k}` };
    const onAck = (ack) => {
      acked++;
      ackMs.push(performance.now() - intended[k]);
      if (!ack?.ok) {
        errors++; // the server refused it: not stored, so not expected to arrive
        const code = ack?.code ?? "unknown";
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      }
    };
    if (restSend) restSend(users[from], payload, onAck);
    else sockets[from].emit("sendMessage", payload, onAck);
  }

  process.stdout.write(`${JSON.stringify({ event: "start", messages: total })}\n`);
  const intervalMs = 1000 / options.rate;
  const t0 = performance.now() + 5;
  const deadline = t0 + (options.duration + options.grace) * 1000;
  for (let k = 0; k < total; k++) intended[k] = t0 + k * intervalMs;

  // Bounded by `total`.
  await sendOnSchedule(intended, total, (k, lagMs) => {
    sendLag[k] = lagMs;
    sent = k + 1; // before the emit: its delivery is counted against `sent`
    send(k);
  });
  const sendEnd = performance.now();

  // Grace: wait for the stragglers, no longer than the deadline.
  await waitUntil(() => deliveryMs.length + errors >= sent && acked >= sent, deadline);

  const wallSeconds = (options.duration * 1000 + Math.max(0, lastDeliveryAt - sendEnd)) / 1000;
  const result = {
    path: options.path,
    pairs: users.length / 2,
    connections: users.length,
    httpConnections: options.path === "rest" ? options.httpConnections || users.length : 0,
    offeredRate: options.rate,
    durationSeconds: options.duration,
    sent,
    acked,
    delivered: deliveryMs.length,
    deliveredRate: round(deliveryMs.length / wallSeconds),
    lost: Math.max(0, sent - errors - deliveryMs.length),
    duplicates,
    errors,
    errorCodes,
    unacked: sent - acked,
    misrouted,
    outOfOrder,
    unknown,
    echoes,
    disconnects,
    // Large values mean the generator, not the server, was the limit.
    sendLagMs: summary(sendLag.subarray(0, sent)),
    deliveryMs: summary(deliveryMs),
    ackMs: summary(ackMs),
    timeline,
  };
  for (const socket of sockets) socket.disconnect();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

// Hard stop whatever happens: nothing here may run unbounded.
setTimeout(
  () => fail("hard time limit reached"),
  (LIMITS.maxDurationSeconds + LIMITS.maxGraceSeconds) * 1000 + 2 * CONNECT_TIMEOUT_MS,
).unref();

main().catch((err) => fail(err.stack ?? String(err)));
