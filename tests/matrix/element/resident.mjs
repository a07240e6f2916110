// A resident on Element's own crypto stack: matrix-js-sdk with its Rust crypto, in the
// device isolation mode of Element's "exclude insecure devices" setting (MSC4153), with
// its own cross-signing bootstrapped. Driven by the Python tests over stdin/stdout: one
// JSON command a line in, one JSON answer a line out. The SDK's own log goes to stderr.
//
//   {"cmd": "start", "homeserver": ..., "user_id": ..., "password": ...}
//   {"cmd": "dm", "bot": "@bot:localhost"}                 -> {"room": ...}
//   {"cmd": "ask", "room": ..., "text": ..., "timeout_ms": 60000}
//       -> {"question": event id, "ms": send -> reply readable, "sender_device": ...,
//           "body": ... | null,
//           "failure": decryptionFailureReason | null, "signed_by_owner": bool | null}
//   {"cmd": "bot_identity", "bot": ...}  -> {"has_keys": bool, "devices": {id: signedByOwner}}
//   {"cmd": "verify", "room": ..., "bot": ...} -> what became of a verification request
//   {"cmd": "reply_to", "question": event id}   -> {"body": ..., "failure": ...}
//   {"cmd": "stop"}

import readline from "node:readline";

// matrix-js-sdk 43 declares Node >= 22; on Node 20 the one thing it misses is this.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

// Keep stdout for the protocol: the SDK logs through console.* (loglevel).
for (const name of ["log", "info", "debug", "warn", "error", "trace"]) {
  console[name] = (...args) => process.stderr.write(args.map(String).join(" ") + "\n");
}

const sdk = await import("matrix-js-sdk");
const { OnlySignedDevicesIsolationMode, VerificationPhase } = await import(
  "matrix-js-sdk/lib/crypto-api/index.js");
const { logger } = await import("matrix-js-sdk/lib/logger.js");
logger.setLevel(process.env.RESIDENT_LOG_LEVEL || "warn");

let client = null;

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

function until(check, what, timeoutMs) {
  // Polls a condition that sync events change; ends with an error at the deadline.
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = async () => {
      try {
        const value = await check();
        if (value !== undefined && value !== null && value !== false) return resolve(value);
      } catch (err) {
        return reject(err);
      }
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out: ${what}`));
      setTimeout(tick, 100);
    };
    tick();
  });
}

async function start({ homeserver, user_id, password }) {
  const login = await sdk.createClient({ baseUrl: homeserver }).login("m.login.password", {
    identifier: { type: "m.id.user", user: user_id },
    password,
    initial_device_display_name: "Element-like resident",
  });
  client = sdk.createClient({
    baseUrl: homeserver,
    userId: login.user_id,
    accessToken: login.access_token,
    deviceId: login.device_id,
  });
  await client.initRustCrypto({ useIndexedDB: false });
  const crypto = client.getCrypto();
  await crypto.bootstrapCrossSigning({
    authUploadDeviceSigningKeys: async (makeRequest) => {
      try {
        await makeRequest(null);
      } catch (err) {
        const session = err?.data?.session;
        if (!session) throw err;
        await makeRequest({
          type: "m.login.password",
          identifier: { type: "m.id.user", user: login.user_id },
          password,
          session,
        });
      }
    },
  });
  crypto.setDeviceIsolationMode(new OnlySignedDevicesIsolationMode());
  client.on(sdk.RoomEvent.Timeline, (event, _room, toStartOfTimeline) => {
    if (!toStartOfTimeline) record(event);
  });
  const prepared = new Promise((resolve) => {
    client.on(sdk.ClientEvent.Sync, (state) => { if (state === "PREPARED") resolve(); });
  });
  await client.startClient({ initialSyncLimit: 20 });
  await prepared;
  return { user_id: login.user_id, device_id: login.device_id,
           cross_signing_ready: await crypto.isCrossSigningReady() };
}

async function dm({ bot, timeout_ms = 60000 }) {
  const { room_id } = await client.createRoom({
    is_direct: true,
    preset: "trusted_private_chat",
    invite: [bot],
    initial_state: [{ type: "m.room.encryption", state_key: "",
                      content: { algorithm: "m.megolm.v1.aes-sha2" } }],
  });
  await until(() => client.getRoom(room_id)?.getMember(bot)?.membership === "join",
              "the bot joining", timeout_ms);
  return { room: room_id };
}

function replyTo(event) {
  return event.getWireContent()?.["m.relates_to"]?.["m.in_reply_to"]?.event_id
    ?? event.getContent()?.["m.relates_to"]?.["m.in_reply_to"]?.event_id;
}

// Replies by the event they answer, as they arrive: {event, at} once the reply is
// readable (decrypted) or has failed for good, as Element would show it.
const replies = new Map();
const waiting = new Map();

function settled(event) {
  return !event.isBeingDecrypted() && (!event.isEncrypted() || event.getClearContent() !== null
                                       || event.isDecryptionFailure());
}

function record(event) {
  const question = replyTo(event);
  if (!question || replies.has(question)) return;
  const done = () => {
    if (replies.has(question)) return;
    replies.set(question, { event, at: performance.now() });
    waiting.get(question)?.();
  };
  if (settled(event)) done();
  else event.once(sdk.MatrixEventEvent.Decrypted, () => { if (settled(event)) done(); });
}

function replyFor(question, timeoutMs) {
  if (replies.has(question)) return Promise.resolve(replies.get(question));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(question);
      reject(new Error("timed out: a reply to the question"));
    }, timeoutMs);
    waiting.set(question, () => {
      clearTimeout(timer);
      waiting.delete(question);
      resolve(replies.get(question));
    });
  });
}

async function ask({ room, text, timeout_ms = 60000 }) {
  const started = performance.now();
  const { event_id } = await client.sendTextMessage(room, text);
  const { event: reply, at } = await replyFor(event_id, timeout_ms);
  const device = reply.getWireContent()?.device_id ?? null;
  let signed = null;
  if (device) {
    const status = await client.getCrypto().getDeviceVerificationStatus(reply.getSender(), device);
    signed = status ? status.signedByOwner : null;
  }
  return {
    question: event_id,
    ms: at - started,
    sender_device: device,
    body: reply.isDecryptionFailure() ? null : reply.getContent().body ?? null,
    failure: reply.decryptionFailureReason ?? null,
    signed_by_owner: signed,
  };
}

async function botIdentity({ bot }) {
  const crypto = client.getCrypto();
  const devices = (await crypto.getUserDeviceInfo([bot], true)).get(bot) ?? new Map();
  const result = {};
  for (const id of devices.keys()) {
    result[id] = (await crypto.getDeviceVerificationStatus(bot, id))?.signedByOwner ?? null;
  }
  return { has_keys: await crypto.userHasCrossSigningKeys(bot, true), devices: result };
}

async function verify({ room, bot, timeout_ms = 60000 }) {
  // What Element's "Verify" in a DM does: an in-room verification request.
  const request = await client.getCrypto().requestVerificationDM(bot, room);
  await until(() => request.phase === VerificationPhase.Cancelled
                    || request.phase === VerificationPhase.Ready,
              "an answer to the verification request", timeout_ms);
  return { request: request.transactionId, phase: request.phase,
           cancelled: request.phase === VerificationPhase.Cancelled,
           reason: request.cancellationCode ?? null };
}

async function replyToEvent({ question, timeout_ms = 60000 }) {
  const { event } = await replyFor(question, timeout_ms);
  return { body: event.isDecryptionFailure() ? null : event.getContent().body ?? null,
           failure: event.decryptionFailureReason ?? null };
}

const commands = { start, dm, ask, bot_identity: botIdentity, verify,
                   reply_to: replyToEvent };

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const command = JSON.parse(line);
  if (command.cmd === "stop") break;
  try {
    out({ ok: true, ...(await commands[command.cmd](command)) });
  } catch (err) {
    out({ ok: false, error: String(err?.stack ?? err) });
  }
}
client?.stopClient();
process.exit(0);
