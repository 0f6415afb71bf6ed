// Test harness for the browser tests: runs the real server binary with the built client,
// launches Debian's Chromium through playwright-core (never a downloaded browser), and
// offers helpers that find controls the way assistive technology does: by role and name.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const screenshotDir = joinPath(root, 'target', 'e2e-screenshots');

/** Starts leerkring-server on a random port with a fresh data dir; resolves to { url, stop, log }. */
export async function startServer(extraArgs = []) {
  const binary = process.env.LEERKRING_SERVER_BIN ?? joinPath(root, 'target', 'debug', 'leerkring-server');
  const assets = process.env.LEERKRING_ASSETS_DIR ?? joinPath(root, 'target', 'client-dist');
  for (const [what, path, fix] of [
    ['server binary', binary, 'cargo build -p leerkring-server'],
    ['built client', joinPath(assets, 'index.html'), 'scripts/build-client'],
  ]) {
    if (!existsSync(path)) throw new Error(`${what} missing at ${path}: run ${fix}`);
  }
  const dataDir = mkdtempSync(joinPath(tmpdir(), 'leerkring-e2e-'));
  const child = spawn(binary, ['--addr', '127.0.0.1:0', '--data-dir', dataDir, '--assets-dir', assets, ...extraArgs], {
    env: { ...process.env, RUST_LOG: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log = [];
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log.join("\n")}`)), 60000);
    let buffered = '';
    child.stderr.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        log.push(line);
        const match = line.match(/Leerkring is listening.*addr=(\S+)/);
        if (match) {
          clearTimeout(timer);
          resolveUrl(`http://${match[1]}`);
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${log.join('\n')}`)));
  });
  return {
    url,
    log,
    stop: () => new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.on('exit', done);
      child.kill('SIGTERM');
    }),
  };
}

/** Debian's Chromium, headless, with no network of its own. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
}

/** A new person: their own browser context (own storage, own service worker), one page. */
export async function newPerson(browser, { viewport = { width: 1280, height: 800 }, locale = 'nl-NL' } = {}) {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  return { context, page, problems };
}

/** Waits until `check()` resolves truthy, polling; fails after `timeout` ms saying `what`. */
export async function eventually(what, check, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for: ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until `check(page)` holds for every person (each with a `.name`). */
export async function everyone(people, what, check) {
  await Promise.all(people.map((person) => eventually(`${person.name}: ${what}`, () => check(person.page))));
}

/** Presses Enter on the button named `name` after giving it the focus, as a keyboard user would. */
export async function pressButton(page, name) {
  const button = page.getByRole('button', { name });
  await button.focus();
  await page.keyboard.press('Enter');
}

/** What `page`'s device keeps of `board`: its localStorage keys, and `indexeddb:<n>`
 * when the document copy holds n records for it. */
export async function keptOnDevice(page, board) {
  return page.evaluate(async (id) => {
    const kept = Object.keys(localStorage).filter((key) => key.includes(id));
    const records = await new Promise((resolve) => {
      const opening = indexedDB.open('leerkring');
      // No database yet: do not create one the app would then find empty.
      opening.onupgradeneeded = () => opening.transaction.abort();
      opening.onerror = () => resolve(0);
      opening.onsuccess = () => {
        const count = opening.result.transaction('updates').objectStore('updates').index('board').count(id);
        count.onsuccess = () => { opening.result.close(); resolve(count.result); };
      };
    });
    return records > 0 ? [...kept, `indexeddb:${records}`] : kept;
  }, board);
}

/** The heading of the current step. */
export const stepHeading = (page, name) => page.getByRole('heading', { level: 2, name });

/** Waits until the text field named `name` on `page` has keyboard focus (as a person waits to see the cursor). */
export async function focused(page, name) {
  const field = page.getByRole('textbox', { name });
  await eventually(`focus in ${name}`, () => field.evaluate((element) => element === document.activeElement));
}

/** axe-core's browser bundle, from the npm package (no network). It is evaluated through
 * the DevTools protocol, which the app's Content Security Policy (rightly) does not let a
 * script tag do. */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** What axe-core finds against WCAG 2.1 A and AA on the page as it is now: one line per
 * broken rule, with the elements it found. */
export async function accessibilityViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}

/** Fails unless axe-core finds no WCAG 2.1 AA violation on the screen `name` shows. */
export async function assertAccessible(page, name) {
  assert.deepEqual(await accessibilityViolations(page), [], `accessibility violations on ${name}`);
}

/** Saves a screenshot under target/e2e-screenshots, after checking the screen with axe-core:
 * every screen a test shows is a screen a person uses. */
export async function screenshot(page, name) {
  await assertAccessible(page, name);
  mkdirSync(screenshotDir, { recursive: true });
  const path = joinPath(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The shared flip-over text field. */
export const flipover = (page) => page.getByRole('textbox', { name: 'Gezamenlijke flip-over' });

/** Opens a board link and joins under `name`; resolves once the board is up. */
export async function join(page, url, name) {
  await page.goto(url);
  await page.getByRole('textbox', { name: 'Je naam' }).fill(name);
  await page.getByRole('button', { name: 'Meedoen' }).click();
  await page.getByRole('heading', { name: 'Aanwezig' }).waitFor();
}

/** The facilitator jumps to a step by its title in the whole agenda. */
export async function goToStep(page, title) {
  const agenda = page.getByText('Hele programma');
  if (!(await page.getByRole('button', { name: title, exact: true }).isVisible())) await agenda.click();
  await page.getByRole('button', { name: title, exact: true }).click();
  await stepHeading(page, title).waitFor();
}

/** One new person per `[name, newPerson options]`, each joined through `link`. */
export async function joinAll(browser, link, people) {
  const joined = [];
  for (const [name, options] of people) {
    const person = await newPerson(browser, options ?? {});
    person.name = name;
    await join(person.page, link, name);
    joined.push(person);
  }
  return joined;
}

/** The choice on a form that starts a meeting; checked (a waiting room) unless unchecked. */
export const waitingRoomChoice = (page) =>
  page.getByRole('checkbox', { name: 'Met wachtkamer: je laat nieuwe deelnemers zelf toe' });

/**
 * Starts a meeting from the start page; resolves on the join form of the new board.
 * Without a waiting room unless `waitingRoom` (the tests about something else let
 * everyone in at once; admission.test.mjs tests the waiting room).
 */
export async function startMeeting(page, serverUrl, title, { waitingRoom = false } = {}) {
  await page.goto(serverUrl);
  await page.getByRole('textbox', { name: 'Naam van de bijeenkomst' }).fill(title);
  assert.ok(await waitingRoomChoice(page).isChecked(), 'a new meeting has a waiting room by default');
  if (!waitingRoom) await waitingRoomChoice(page).uncheck();
  await page.getByRole('button', { name: 'Bijeenkomst starten' }).click();
  await page.getByRole('textbox', { name: 'Je naam' }).waitFor();
}

/**
 * One server and one browser for a test file: started before its tests, stopped after.
 * Read `.server` and `.browser` inside the tests.
 */
export function sharedServerAndBrowser() {
  const shared = {};
  before(async () => {
    shared.server = await startServer();
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.stop();
  });
  return shared;
}
