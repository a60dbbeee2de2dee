// SocketSpace group fan-out load generator: every member of one group connected (one websocket
// each, as SocketSpace's web client connects: `auth: {presence: "batch", groups: true}`), a
// few of them sending `sendMessage {groupId, text, clientId}` to the group at an offered rate,
// and every other member's `newMessage` timed. Open loop, as in relay.mjs: message k is meant
// to leave at t0 + k/R whatever the server is doing, and each delivery's latency is measured
// from that intended time, so a stalled server shows up as latency.
//
//   node groups.mjs --config users.json --group GROUP_ID [--members N] [--senders 4]
//                   [--settle-ms 6000] [--text-bytes 40]
//
// users.json as for relay.mjs; the group's members are its first --members users (default:
// all of them), the senders the first --senders of those. The process connects every member,
// waits until presence has been quiet for --settle-ms (the server announces the arrivals in
// windows of up to 5 s), prints `{"event":"ready",...}`, then runs one step per line read on
// stdin: `{"rate": msg/s, "duration": s, "grace": s}` prints `{"event":"start"}` when sending
// begins and one line with the step's result JSON; `stop` (or stdin closed) ends it.
// Bounded: at most LIMITS.maxMembers sockets and LIMITS.maxSteps steps, each step at most
// LIMITS.maxDurationSeconds plus a grace of LIMITS.maxGraceSeconds, at most
// LIMITS.maxDeliveries tracked deliveries a step, LIMITS.idleSeconds between commands, and a
// hard time limit for the whole process.

import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import {
  CONNECT_TIMEOUT_MS,
  connect,
  failer,
  loadConfig,
  parseArgs,
  round,
  sendOnSchedule,
  summary,
  waitUntil,
} from "./lib.mjs";

const LIMITS = {
  maxMembers: 5000,
  maxSteps: 60,
  maxDurationSeconds: 120,
  maxGraceSeconds: 30,
  maxDeliveries: 10_000_000,
  maxSettleMs: 60_000,
  idleSeconds: 120,
  hardLimitSeconds: 3600,
  concurrency: 50,
};
const PRESENCE = new Set(["getOnlineUsers", "presenceChanged"]);
const fail = failer("groups");

function readOptions() {
  const defaults = {
    config: null,
    group: null,
    members: null, // default: every user in the config
    senders: 4,
    settleMs: 6000,
    textBytes: 40,
  };
  const options = parseArgs(process.argv.slice(2), defaults, fail);
  if (!options.group) fail("--group is required");
  for (const name of ["senders", "settleMs", "textBytes"]) {
    if (Number.isNaN(options[name])) fail(`--${name} must be a number`);
  }
  if (options.members !== null) options.members = Number(options.members);
  options.settleMs = Math.min(Math.max(options.settleMs, 0), LIMITS.maxSettleMs);
  return options;
}

function loadMembers(options) {
  const { url, users } = loadConfig(options.config, fail);
  const count = options.members ?? users.length;
  if (!(count >= 2 && count <= Math.min(users.length, LIMITS.maxMembers))) {
    fail(`--members must be 2..${Math.min(users.length, LIMITS.maxMembers)}`);
  }
  if (!(options.senders >= 1 && options.senders <= count)) fail("--senders must be 1..members");
  return { url, members: users.slice(0, count) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The step the frames belong to; null between steps (late frames then count nowhere).
let step = null;
let disconnects = 0;

/** A frame `newMessage` reached member `i`. */
function received(i, message) {
  const now = performance.now();
  const s = step;
  if (s === null) return;
  const id = message?.clientId;
  if (typeof id !== "string" || !id.startsWith(s.prefix)) {
    s.unknown++;
    return;
  }
  const k = Number(id.slice(s.prefix.length));
  if (!(k >= 0 && k < s.sent)) {
    s.unknown++;
    return;
  }
  if (message.groupId !== s.groupId) {
    s.misrouted++;
    return;
  }
  const from = k % s.senders;
  if (i === from) {
    s.echoes++; // the sending connection has its answer in the ack: not a delivery
    return;
  }
  const slot = k * s.members + i;
  if (s.delivered[slot]) {
    s.duplicates++;
    return;
  }
  s.delivered[slot] = 1;
  const latency = now - s.intended[k];
  s.deliveryMs[s.frames++] = latency;
  s.lastDeliveryAt = now;
  if (++s.perMessage[k] === s.members - 1) s.allMembersMs.push(latency);
  const second = s.timeline[Math.min(s.timeline.length - 1, Math.floor(k / s.rate))];
  second.delivered++;
  second.maxMs = Math.max(second.maxMs, round(latency));
  const stream = from * s.members + i;
  if (s.lastSeq[stream] > k) s.outOfOrder++;
  else s.lastSeq[stream] = k;
}

async function connectAll(url, members) {
  const presence = { frames: 0, last: performance.now() };
  const sockets = [];
  const auth = { presence: "batch", groups: true };
  for (let first = 0; first < members.length; first += LIMITS.concurrency) {
    const batch = [];
    for (let i = first; i < Math.min(members.length, first + LIMITS.concurrency); i++) {
      const listen = (socket) => {
        socket.on("disconnect", () => disconnects++);
        socket.on("newMessage", (message) => received(i, message));
        for (const event of PRESENCE) {
          socket.on(event, () => {
            presence.frames++;
            presence.last = performance.now();
          });
        }
      };
      batch.push(connect(url, members[i], { auth, listen }));
    }
    try {
      sockets.push(...(await Promise.all(batch)));
    } catch (err) {
      fail(`connect failed after ${sockets.length} sockets: ${err.message}`);
    }
  }
  return { sockets, presence };
}

/** Until presence has been quiet for `settleMs` (the arrivals announced), bounded. */
async function settle(presence, settleMs) {
  const started = performance.now();
  presence.last = Math.max(presence.last, started);
  while (performance.now() - presence.last < settleMs) {
    if (performance.now() - started > LIMITS.maxSettleMs) break;
    await sleep(100);
  }
  return round((performance.now() - started) / 1000);
}

function readCommand(lines) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("stop"), LIMITS.idleSeconds * 1000);
    lines.next().then(({ value, done }) => {
      clearTimeout(timer);
      resolve(done ? "stop" : value.trim());
    });
  });
}

function checkStep(command) {
  const { rate, duration, grace } = command;
  if (!(rate > 0)) fail("rate must be > 0");
  if (!(duration > 0 && duration <= LIMITS.maxDurationSeconds)) fail("duration out of range");
  if (!(grace >= 0 && grace <= LIMITS.maxGraceSeconds)) fail("grace out of range");
  return { rate, duration, grace };
}

async function runStep(index, { rate, duration, grace }, ctx) {
  const { sockets, members, groupId, senders, text } = ctx;
  const n = members.length;
  const total = Math.min(Math.round(rate * duration), Math.floor(LIMITS.maxDeliveries / n));
  const seconds = Math.max(1, Math.ceil(duration));
  const s = {
    prefix: `g${ctx.runId}-${index}-`,
    groupId,
    members: n,
    senders,
    rate,
    sent: 0,
    intended: new Float64Array(total),
    delivered: new Uint8Array(total * n), // (message k, member i) seen
    perMessage: new Uint32Array(total), // members that have message k
    deliveryMs: new Float64Array(total * (n - 1)),
    frames: 0,
    allMembersMs: [], // per message: until its last member had it
    lastSeq: new Int32Array(senders * n).fill(-1),
    timeline: Array.from({ length: seconds }, () => ({ delivered: 0, maxMs: 0 })),
    lastDeliveryAt: 0,
    unknown: 0,
    misrouted: 0,
    echoes: 0,
    duplicates: 0,
    outOfOrder: 0,
  };
  const sendLag = new Float64Array(total);
  const ackMs = [];
  const errorCodes = {};
  let acked = 0;
  let errors = 0;
  const disconnectsBefore = disconnects;
  step = s;

  function send(k) {
    const payload = { groupId, text, clientId: `${s.prefix}${k}` };
    sockets[k % senders].emit("sendMessage", payload, (ack) => {
      acked++;
      ackMs.push(performance.now() - s.intended[k]);
      if (!ack?.ok) {
        errors++; // refused: not stored, so not expected to arrive
        const code = ack?.code ?? "unknown";
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      }
    });
  }

  process.stdout.write(`${JSON.stringify({ event: "start", messages: total })}\n`);
  const intervalMs = 1000 / rate;
  const t0 = performance.now() + 5;
  const deadline = t0 + (duration + grace) * 1000;
  for (let k = 0; k < total; k++) s.intended[k] = t0 + k * intervalMs;

  // Bounded by `total`.
  await sendOnSchedule(s.intended, total, (k, lagMs) => {
    sendLag[k] = lagMs;
    s.sent = k + 1; // before the emit: its frames are counted against `sent`
    send(k);
  });
  const sendEnd = performance.now();

  // Grace: wait for the stragglers, no longer than the deadline.
  const expected = () => (s.sent - errors) * (n - 1);
  await waitUntil(() => s.frames >= expected() && acked >= s.sent, deadline);
  step = null;

  const wallSeconds = (duration * 1000 + Math.max(0, s.lastDeliveryAt - sendEnd)) / 1000;
  return {
    members: n,
    senders,
    recipients: n - 1,
    offeredRate: rate,
    offeredFrameRate: round(rate * (n - 1)),
    durationSeconds: duration,
    sent: s.sent,
    acked,
    delivered: s.frames,
    deliveredRate: round(s.frames / wallSeconds),
    lost: Math.max(0, expected() - s.frames),
    duplicates: s.duplicates,
    errors,
    errorCodes,
    unacked: s.sent - acked,
    misrouted: s.misrouted,
    outOfOrder: s.outOfOrder,
    unknown: s.unknown,
    echoes: s.echoes,
    disconnects: disconnects - disconnectsBefore,
    // Large values mean the generator, not the server, was the limit.
    sendLagMs: summary(sendLag.subarray(0, s.sent)),
    deliveryMs: summary(s.deliveryMs.subarray(0, s.frames)),
    allMembersMs: summary(s.allMembersMs),
    ackMs: summary(ackMs),
    timeline: s.timeline,
  };
}

async function main() {
  const options = readOptions();
  const { url, members } = loadMembers(options);
  const started = performance.now();
  const { sockets, presence } = await connectAll(url, members);
  const connectSeconds = round((performance.now() - started) / 1000);
  const settleSeconds = await settle(presence, options.settleMs);
  process.stdout.write(
    `${JSON.stringify({
      event: "ready",
      connections: sockets.length,
      connectSeconds,
      settleSeconds,
      presenceFrames: presence.frames,
    })}\n`,
  );

  const ctx = {
    sockets,
    members,
    groupId: options.group,
    senders: options.senders,
    text: "x".repeat(Math.max(1, options.textBytes)),
    runId: Math.random().toString(36).slice(2, 10), // keeps clientIds unique across runs
  };
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  for (let index = 0; index < LIMITS.maxSteps; index++) {
    const command = await readCommand(lines);
    if (command === "stop" || command === "") break;
    const result = await runStep(index, checkStep(JSON.parse(command)), ctx);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  for (const socket of sockets) socket.disconnect();
  process.exit(0);
}

// Hard stop whatever happens: nothing here may run unbounded.
setTimeout(
  () => fail("hard time limit reached"),
  LIMITS.hardLimitSeconds * 1000 + 2 * CONNECT_TIMEOUT_MS,
).unref();

main().catch((err) => fail(err.stack ?? String(err)));
