// SocketSpace flood: the first user's socket sends `sendMessage` as fast as the server answers
// (--inflight events awaiting their acks at any time) while the other users chat in pairs,
// open loop at --rate msg/s in all, as relay.mjs sends: delivery latency is measured from each
// message's intended send time to the partner's `newMessage`.
//
//   node flood.mjs --config users.json [--rate 100] [--duration 10] [--flood 1]
//                  [--inflight 1000] [--grace 3]
//
// --flood 0 runs the same chat with nobody flooding: the baseline. users.json as for
// relay.mjs; user 0 floods (its messages go to user 1), users 2i+1 and 2i+2 are partners.
// Prints one line `{"event":"start"}` when the sockets are connected, then the result JSON.
// Bounded: --duration and --grace by LIMITS, the whole process by a hard time limit.

import { performance } from "node:perf_hooks";
import {
  CONNECT_TIMEOUT_MS,
  connect,
  failer,
  loadConfig,
  parseArgs,
  sendOnSchedule,
  summary,
  waitUntil,
} from "./lib.mjs";

const LIMITS = { maxDurationSeconds: 120, maxGraceSeconds: 30, maxInflight: 10_000 };
const fail = failer("flood");

function readOptions() {
  const defaults = { config: null, rate: 100, duration: 10, flood: 1, inflight: 1000, grace: 3 };
  const options = parseArgs(process.argv.slice(2), defaults, fail);
  if (!(options.rate > 0)) fail("--rate must be > 0");
  if (!(options.duration > 0 && options.duration <= LIMITS.maxDurationSeconds)) {
    fail(`--duration must be in (0, ${LIMITS.maxDurationSeconds}]`);
  }
  if (!(options.grace >= 0 && options.grace <= LIMITS.maxGraceSeconds)) {
    fail(`--grace must be in [0, ${LIMITS.maxGraceSeconds}]`);
  }
  if (!(options.inflight >= 1 && options.inflight <= LIMITS.maxInflight)) {
    fail(`--inflight must be in [1, ${LIMITS.maxInflight}]`);
  }
  return options;
}

// Keeps `inflight` events awaiting their acks until `until`; tallies the acks' codes.
function flood(socket, receiverId, inflight, until) {
  const codes = {};
  let sent = 0;
  let answered = 0;
  return new Promise((resolve) => {
    function next() {
      if (performance.now() >= until || !socket.connected) {
        if (answered >= sent) resolve({ sent, answered, codes });
        return;
      }
      const payload = { receiverId, text: "spam", clientId: `spam-${sent}` };
      sent++;
      socket
        .timeout(5000)
        .emitWithAck("sendMessage", payload)
        .then(
          (ack) => (ack?.ok ? "ok" : String(ack?.code)),
          () => "timeout",
        )
        .then((code) => {
          codes[code] = (codes[code] ?? 0) + 1;
          answered++;
          next();
        });
    }
    for (let n = 0; n < inflight; n++) next();
  });
}

async function main() {
  const options = readOptions();
  const { url, users } = loadConfig(options.config, fail);
  const chatters = users.slice(1, 1 + 2 * Math.floor((users.length - 1) / 2));
  if (chatters.length < 2) fail("needs at least three users: a flooder and a pair");
  let flooder;
  let sockets;
  try {
    [flooder, ...sockets] = await Promise.all([users[0], ...chatters].map((u) => connect(url, u)));
  } catch (err) {
    fail(`connect failed: ${err.message}`);
  }

  const total = Math.round(options.rate * options.duration);
  const runId = Math.random().toString(36).slice(2, 10);
  const prefix = `f${runId}-`;
  const intended = new Float64Array(total);
  const delivered = new Uint8Array(total);
  const deliveryMs = [];
  const errorCodes = {};
  let errors = 0;
  let disconnects = 0;
  chatters.forEach((user, index) => {
    sockets[index].on("disconnect", () => disconnects++);
    sockets[index].on("newMessage", (message) => {
      const id = message?.clientId;
      if (typeof id !== "string" || !id.startsWith(prefix)) return; // the flood's, say
      const k = Number(id.slice(prefix.length));
      if (k >= 0 && k < total && !delivered[k] && message.receiverId === user.id) {
        delivered[k] = 1;
        deliveryMs.push(performance.now() - intended[k]);
      }
    });
  });
  let flooderDropped = false;
  flooder.on("disconnect", () => {
    flooderDropped = true;
  });

  process.stdout.write(`${JSON.stringify({ event: "start", messages: total })}\n`);
  const t0 = performance.now() + 5;
  const sendEnd = t0 + options.duration * 1000;
  for (let k = 0; k < total; k++) intended[k] = t0 + (k * 1000) / options.rate;
  const flooding = options.flood
    ? flood(flooder, chatters[0].id, options.inflight, sendEnd)
    : Promise.resolve(null);

  let sent = 0;
  await sendOnSchedule(intended, total, (k) => {
    const from = k % chatters.length;
    const to = from ^ 1;
    const payload = { receiverId: chatters[to].id, text: "chat", clientId: `${prefix}${k}` };
    sent = k + 1; // before the emit: its delivery is counted against `sent`
    sockets[from].emit("sendMessage", payload, (ack) => {
      if (ack?.ok) return;
      errors++;
      const code = ack?.code ?? "unknown";
      errorCodes[code] = (errorCodes[code] ?? 0) + 1;
    });
  });
  const flooded = await flooding;
  const deadline = sendEnd + options.grace * 1000;
  await waitUntil(() => deliveryMs.length + errors >= sent, deadline);

  const result = {
    flood: Boolean(options.flood),
    offeredRate: options.rate,
    durationSeconds: options.duration,
    pairs: chatters.length / 2,
    sent,
    delivered: deliveryMs.length,
    lost: Math.max(0, sent - errors - deliveryMs.length),
    errors,
    errorCodes,
    disconnects,
    deliveryMs: summary(deliveryMs),
    flooder: flooded && {
      ...flooded,
      answeredPerSecond: Math.round(flooded.answered / options.duration),
      dropped: flooderDropped,
    },
  };
  flooder.disconnect();
  for (const socket of sockets) socket.disconnect();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

setTimeout(
  () => fail("hard time limit reached"),
  (LIMITS.maxDurationSeconds + LIMITS.maxGraceSeconds + 10) * 1000 + 2 * CONNECT_TIMEOUT_MS,
).unref();

main().catch((err) => fail(err.stack ?? String(err)));
