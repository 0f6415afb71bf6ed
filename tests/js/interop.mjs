// A stock Yjs peer for the interop tests: npm `yjs` + the npm `y-websocket` provider,
// used exactly as a browser app would, with `ws` standing in for the browser WebSocket.
//
// Usage:
//   node interop.mjs WS_BASE BOARD_ID TOKEN LABEL [options]
//
//   WS_BASE   e.g. ws://127.0.0.1:PORT/ws (the provider appends /BOARD_ID?token=TOKEN)
//   LABEL     awareness name of this peer and prefix of its edits (LABEL-1 .. LABEL-N)
//
// Options:
//   --edits N                make N edits: insert "[LABEL-i]" at the start of Y.Text `cel` and
//                            push "LABEL-i" onto Y.Array `items` (default 0: only sync and print)
//   --delay-ms MS            pause between edits (default 15)
//   --expect-item ITEM       before printing, wait until `items` contains ITEM (repeatable)
//   --expect-text TEXT       before printing, wait until `cel` contains TEXT (repeatable)
//   --expect-awareness NAME  before printing, wait until a peer with awareness name NAME was seen
//                            (repeatable)
//   --timeout-ms MS          give up after MS (default 20000) with exit code 2
//
// On success prints one JSON line to stdout and exits 0:
//   {"label", "text", "items", "awareness", "synced"}
// where `awareness` lists every awareness name seen while connected (own one included).
// Diagnostics go to stderr.

import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

function usage (message) {
  process.stderr.write(`interop.mjs: ${message}\n` +
    'usage: node interop.mjs WS_BASE BOARD_ID TOKEN LABEL [--edits N] [--delay-ms MS] ' +
    '[--expect-item ITEM]... [--expect-text TEXT]... [--expect-awareness NAME]... [--timeout-ms MS]\n')
  process.exit(64)
}

function parseArgs (argv) {
  const positional = []
  const options = { edits: 0, delayMs: 15, timeoutMs: 20000, items: [], texts: [], awareness: [] }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith('--')) {
      positional.push(arg)
      continue
    }
    const value = argv[++i]
    if (value === undefined) usage(`${arg} needs a value`)
    const number = () => {
      const n = Number(value)
      if (!Number.isInteger(n) || n < 0) usage(`${arg} needs a non-negative integer, got ${value}`)
      return n
    }
    switch (arg) {
      case '--edits': options.edits = number(); break
      case '--delay-ms': options.delayMs = number(); break
      case '--timeout-ms': options.timeoutMs = number(); break
      case '--expect-item': options.items.push(value); break
      case '--expect-text': options.texts.push(value); break
      case '--expect-awareness': options.awareness.push(value); break
      default: usage(`unknown option ${arg}`)
    }
  }
  if (positional.length !== 4) usage(`expected 4 positional arguments, got ${positional.length}`)
  const [wsBase, boardId, token, label] = positional
  return { wsBase, boardId, token, label, ...options }
}

const opts = parseArgs(process.argv.slice(2))
const log = (message) => process.stderr.write(`[${opts.label}] ${message}\n`)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const ydoc = new Y.Doc()
const cel = ydoc.getText('cel')
const items = ydoc.getArray('items')

// Exactly how an app connects: base URL, room name = board id, token as a URL parameter.
const provider = new WebsocketProvider(opts.wsBase, opts.boardId, ydoc, {
  WebSocketPolyfill: WebSocket,
  params: { token: opts.token }
})

// Everything we learn about the connection, for diagnostics when something goes wrong.
let phase = 'connecting'
const events = []
provider.on('status', ({ status }) => { events.push(`status:${status}`); log(`status ${status}`) })
provider.on('connection-close', (event) => {
  // `event` is null when the provider closed the socket itself (disconnect, watchdog).
  const what = event == null
    ? 'connection-close (by the provider)'
    : `connection-close code=${event.code} reason=${JSON.stringify(event.reason ?? '')}`
  events.push(what)
  log(what)
})
provider.on('closed', ({ code, reason }) => {
  const what = `closed by the server for good: code=${code} reason=${JSON.stringify(reason)}`
  events.push(what)
  log(what)
})
provider.on('connection-error', (event) => {
  const what = `connection-error ${event?.message ?? event?.type ?? event}`
  events.push(what)
  log(what)
})

// Every awareness name seen while connected (states can disappear again, so accumulate).
const awarenessSeen = new Set()
const noteAwareness = () => {
  for (const state of provider.awareness.getStates().values()) {
    if (state && typeof state.name === 'string') awarenessSeen.add(state.name)
  }
}
provider.awareness.on('change', noteAwareness)

const timer = setTimeout(() => {
  noteAwareness()
  process.stderr.write(
    `interop.mjs [${opts.label}]: timed out after ${opts.timeoutMs} ms while ${phase}\n` +
    `  url: ${provider.url}\n` +
    `  synced: ${provider.synced}, wsconnected: ${provider.wsconnected}\n` +
    `  events: ${events.join(', ') || '(none)'}\n` +
    `  text: ${JSON.stringify(cel.toString())}\n` +
    `  items: ${JSON.stringify(items.toArray())}\n` +
    `  awareness: ${JSON.stringify([...awarenessSeen])}\n`)
  process.exit(2)
}, opts.timeoutMs)

/** Resolves once `check()` holds, re-checking on every document or awareness change. */
function until (check) {
  return new Promise((resolve) => {
    const test = () => {
      if (check()) {
        ydoc.off('update', test)
        provider.awareness.off('change', test)
        resolve()
      }
    }
    ydoc.on('update', test)
    provider.awareness.on('change', test)
    test()
  })
}

async function main () {
  phase = 'waiting for the first sync (provider "sync" event)'
  if (!provider.synced) {
    await new Promise((resolve) => {
      const onSync = (isSynced) => {
        if (isSynced) {
          provider.off('sync', onSync)
          resolve()
        }
      }
      provider.on('sync', onSync)
    })
  }
  log(`synced: ${items.length} items, ${cel.length} characters`)

  provider.awareness.setLocalStateField('name', opts.label)
  noteAwareness()

  phase = 'editing'
  for (let i = 1; i <= opts.edits; i++) {
    cel.insert(0, `[${opts.label}-${i}]`)
    items.push([`${opts.label}-${i}`])
    await sleep(opts.delayMs)
  }

  phase = `waiting for items ${JSON.stringify(opts.items)}, texts ${JSON.stringify(opts.texts)}, ` +
    `awareness ${JSON.stringify(opts.awareness)}`
  await until(() => {
    const have = new Set(items.toArray())
    const text = cel.toString()
    return opts.items.every((item) => have.has(item)) &&
      opts.texts.every((fragment) => text.includes(fragment)) &&
      opts.awareness.every((name) => awarenessSeen.has(name))
  })

  const result = {
    label: opts.label,
    text: cel.toString(),
    items: items.toArray(),
    awareness: [...awarenessSeen].sort(),
    synced: provider.synced
  }

  // Close cleanly so that every queued update reaches the server before the process ends.
  phase = 'closing'
  const ws = provider.ws
  const closed = ws && ws.readyState !== WebSocket.CLOSED
    ? new Promise((resolve) => ws.addEventListener('close', resolve, { once: true }))
    : Promise.resolve()
  provider.destroy()
  ydoc.destroy()
  await Promise.race([closed, sleep(2000)])

  clearTimeout(timer)
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0))
}

main().catch((error) => {
  process.stderr.write(`interop.mjs [${opts.label}]: ${error?.stack ?? error}\n`)
  process.exit(1)
})
