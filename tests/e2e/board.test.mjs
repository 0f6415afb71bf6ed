// The board shell in a real browser: a facilitator starts a meeting, two participants
// join by link, typing reaches everyone, and edits made offline (across a reload while
// still offline) are kept and merged when the connection comes back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sharedServerAndBrowser, newPerson, eventually, everyone, stepHeading, screenshot, flipover, goToStep, join,
  startMeeting,
} from './harness.mjs';

const shared = sharedServerAndBrowser();

const presence = (page) => page.getByRole('region', { name: /^Aanwezig/ });

test('a meeting: start, join by link, live typing, offline edits across a reload', async () => {
  const { server, browser } = shared;
  const facilitator = await newPerson(browser);
  await startMeeting(facilitator.page, server.url, 'Leerkring wijkteam Noord');
  await screenshot(facilitator.page, 'join-facilitator');
  await join(facilitator.page, facilitator.page.url(), 'Fenna');
  const joinLink = await facilitator.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  assert.match(joinLink, /\/b\/[A-Za-z0-9_-]{22}#token=[A-Za-z0-9_-]{43}$/);
  assert.ok(await facilitator.page.getByRole('img', { name: 'QR-code met de link voor deelnemers' }).isVisible());
  assert.ok(await facilitator.page.getByRole('button', { name: 'Link kopiëren' }).isVisible());

  const anna = await newPerson(browser);
  const bram = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  facilitator.name = 'Fenna';
  anna.name = 'Anna';
  bram.name = 'Bram';
  await join(anna.page, joinLink, 'Anna');
  await join(bram.page, joinLink, 'Bram');
  for (const person of [facilitator, anna, bram]) {
    await eventually('everyone sees three people present', async () =>
      (await presence(person.page).getByRole('listitem').count()) === 3);
    await eventually('connected', async () => (await person.page.getByRole('status').first().textContent()).includes('Verbonden'));
  }
  assert.equal(await anna.page.getByRole('button', { name: 'Link kopiëren' }).count(), 0, 'participants get no invite controls');

  // The free flip-over belongs to the case consultation: the facilitator goes to its intake.
  await goToStep(facilitator.page, 'Inbreng');
  await everyone([facilitator, anna, bram], 'the intake with its flip-over', async (page) =>
    (await stepHeading(page, 'Inbreng').isVisible()) && flipover(page).isVisible());

  // One types, the others see it within a second.
  await flipover(anna.page).click();
  await anna.page.keyboard.type('Betrokkenheid. ');
  const typed = await flipover(anna.page).inputValue();
  for (const other of [facilitator, bram]) {
    await eventually('the edit arrives within a second', async () => (await flipover(other.page).inputValue()) === typed, 1000);
  }
  await eventually('presence shows who is writing', async () =>
    (await presence(facilitator.page).getByRole('listitem').filter({ hasText: 'Anna' }).textContent()).includes('schrijft op de flip-over'));
  await screenshot(facilitator.page, 'board-facilitator-desktop');
  await screenshot(bram.page, 'board-participant-phone');

  // Bram goes offline, edits, reloads while still offline: the edit survives.
  await bram.page.evaluate(() => navigator.serviceWorker.ready);
  await bram.context.setOffline(true);
  await eventually('bram sees he is offline', async () =>
    /Offline|opnieuw verbinden/.test(await bram.page.getByRole('status').first().textContent()));
  await flipover(bram.page).click();
  await bram.page.keyboard.press('End');
  await bram.page.keyboard.type('Geduld (offline). ');
  await screenshot(bram.page, 'board-phone-offline');
  await bram.page.reload();
  // The device kept the document and the meeting: the step's workspace shows offline too.
  await flipover(bram.page).waitFor();
  await eventually('the offline edit is still there after the reload', async () =>
    (await flipover(bram.page).inputValue()).includes('Geduld (offline).'));
  const statusText = await bram.page.getByRole('status').first().textContent();
  assert.match(statusText, /bewaard/, 'the status reassures that changes are kept');
  assert.ok(!(await flipover(facilitator.page).inputValue()).includes('Geduld (offline).'), 'the offline edit has not been sent yet');

  // Meanwhile the others keep working.
  await flipover(facilitator.page).click();
  await facilitator.page.keyboard.press('End');
  await facilitator.page.keyboard.type('Respect. ');

  await bram.context.setOffline(false);
  const final = await eventually('all three converge, offline edit included', async () => {
    const texts = await Promise.all([facilitator, anna, bram].map((p) => flipover(p.page).inputValue()));
    const same = texts.every((t) => t === texts[0]);
    return same && ['Betrokkenheid.', 'Geduld (offline).', 'Respect.'].every((w) => texts[0].includes(w)) && texts[0];
  }, 15000);
  assert.ok(final.length > 0);
  for (const person of [facilitator, anna, bram]) {
    assert.deepEqual(person.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|WebSocket|Failed to load resource/.test(p)), []);
  }
});

test('the start page and the switch to English', async () => {
  const { server, browser } = shared;
  const visitor = await newPerson(browser);
  await visitor.page.goto(server.url);
  await screenshot(visitor.page, 'start-page');
  assert.equal(await visitor.page.getAttribute('html', 'lang'), 'nl');
  await visitor.page.getByRole('button', { name: 'English' }).click();
  await visitor.page.getByRole('heading', { name: 'Start a meeting' }).waitFor();
  assert.equal(await visitor.page.getAttribute('html', 'lang'), 'en');
  await visitor.page.reload();
  await visitor.page.getByRole('heading', { name: 'Start a meeting' }).waitFor();
  const phone = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  await phone.page.goto(server.url);
  await phone.page.getByRole('heading', { name: 'Een bijeenkomst beginnen' }).waitFor();
  await screenshot(phone.page, 'start-page-phone');
});

test('a wrong link says so instead of failing silently', async () => {
  const { server, browser } = shared;
  const visitor = await newPerson(browser);
  await visitor.page.goto(`${server.url}/b/AAAAAAAAAAAAAAAAAAAAAA#token=${'x'.repeat(43)}`);
  await visitor.page.getByRole('heading', { name: 'Deze link werkt niet' }).waitFor();
});
