/**
 * Sounds synthesized with the Web Audio API: no files to load. Every call is best effort:
 * a browser that blocks audio (autoplay policy, no device, no API) just stays silent.
 */

type Ctor = typeof AudioContext;

let context: AudioContext | null = null;
let noise: AudioBuffer | null = null;

function audio(): AudioContext | null {
  try {
    if (!context) {
      const Ctx: Ctor | undefined =
        globalThis.AudioContext ??
        (globalThis as unknown as { webkitAudioContext?: Ctor }).webkitAudioContext;
      if (!Ctx) return null;
      context = new Ctx();
    }
    if (context.state === "suspended") {
      // Allowed only after a user gesture; until then this rejects and we stay silent.
      context.resume().catch(() => undefined);
    }
    return context.state === "closed" ? null : context;
  } catch {
    return null;
  }
}

function noiseBuffer(ctx: AudioContext): AudioBuffer {
  if (!noise || noise.sampleRate !== ctx.sampleRate) {
    const length = Math.floor(ctx.sampleRate * 0.05);
    noise = ctx.createBuffer(1, length, ctx.sampleRate);
    const data = noise.getChannelData(0);
    for (let i = 0; i < length; i++) data[i] = (Math.random() * 2 - 1) * (1 - i / length) ** 2;
  }
  return noise;
}

function envelope(ctx: AudioContext, start: number, peak: number, attack: number, decay: number): GainNode {
  const gain = ctx.createGain();
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(peak, start + attack);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + attack + decay);
  gain.connect(ctx.destination);
  return gain;
}

function play(draw: (ctx: AudioContext, now: number) => void): void {
  const ctx = audio();
  if (!ctx || ctx.state !== "running") return;
  try {
    draw(ctx, ctx.currentTime + 0.005);
  } catch {
    // Silent rather than broken.
  }
}

/** Mechanical-key flavours: a filtered noise tick plus a faint body thump. */
const KEY_VARIANTS = [
  { band: 3200, body: 180, gain: 0.16 },
  { band: 2600, body: 150, gain: 0.14 },
  { band: 4100, body: 210, gain: 0.12 },
  { band: 1900, body: 130, gain: 0.15 },
] as const;

/** Key clicks have a switch of their own (off unless chosen); the caller asks only whether sounds are on. */
let keyClicks = false;

export function keyClicksSwitched(enabled: boolean): void {
  keyClicks = enabled;
}

export function playKeystroke(): void {
  if (!keyClicks) return;
  play((ctx, now) => {
    const variant = KEY_VARIANTS[Math.floor(Math.random() * KEY_VARIANTS.length)] ?? KEY_VARIANTS[0];
    const src = ctx.createBufferSource();
    src.buffer = noiseBuffer(ctx);
    src.playbackRate.value = 0.9 + Math.random() * 0.25;
    const filter = ctx.createBiquadFilter();
    filter.type = "bandpass";
    filter.frequency.value = variant.band;
    filter.Q.value = 1.2;
    src.connect(filter).connect(envelope(ctx, now, variant.gain, 0.002, 0.035));
    src.start(now);
    src.stop(now + 0.05);

    const body = ctx.createOscillator();
    body.type = "sine";
    body.frequency.setValueAtTime(variant.body, now);
    body.frequency.exponentialRampToValueAtTime(variant.body * 0.6, now + 0.03);
    body.connect(envelope(ctx, now, variant.gain * 0.5, 0.002, 0.03));
    body.start(now);
    body.stop(now + 0.04);
  });
}

export function playClick(): void {
  play((ctx, now) => {
    const osc = ctx.createOscillator();
    osc.type = "triangle";
    osc.frequency.setValueAtTime(1100, now);
    osc.frequency.exponentialRampToValueAtTime(520, now + 0.05);
    osc.connect(envelope(ctx, now, 0.18, 0.003, 0.06));
    osc.start(now);
    osc.stop(now + 0.08);
  });
}

export function playNotification(): void {
  play((ctx, now) => {
    // Two soft bell notes, a fourth apart.
    [
      { freq: 659.25, at: 0 },
      { freq: 880, at: 0.11 },
    ].forEach(({ freq, at }) => {
      const start = now + at;
      const osc = ctx.createOscillator();
      osc.type = "sine";
      osc.frequency.value = freq;
      const shimmer = ctx.createOscillator();
      shimmer.type = "sine";
      shimmer.frequency.value = freq * 2;
      const out = envelope(ctx, start, 0.22, 0.01, 0.45);
      osc.connect(out);
      const quiet = ctx.createGain();
      quiet.gain.value = 0.15;
      shimmer.connect(quiet).connect(out);
      osc.start(start);
      shimmer.start(start);
      osc.stop(start + 0.5);
      shimmer.stop(start + 0.5);
    });
  });
}

/** Call from a user gesture so that later sounds (notifications) are allowed. */
export function unlockAudio(): void {
  audio();
}
