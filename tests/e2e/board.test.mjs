// The board shell in a real browser: a facilitator starts a meeting, two participants
// join by link, typing reaches everyone, and edits made offline (across a reload while
// still offline) are kept and merged when the connection comes back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sharedServerAndBrowser, newPerson, eventually, everyone, stepHeading, screenshot, flipover, goToStep, join,
  startMeeting, keptOnDevice,
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
  const board = new URL(joinLink).pathname.split('/')[2];
  assert.ok(await facilitator.page.getByRole('img', { name: 'QR-code met de link voor deelnemers' }).isVisible());
  assert.ok(await facilitator.page.getByRole('button', { name: 'Link kopiëren' }).isVisible());

  const anna = await newPerson(browser);
  const bram = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  facilitator.name = 'Fenna';
  anna.name = 'Anna';
  bram.name = 'Bram';
  await join(anna.page, joinLink, 'Anna');
  await join(bram.page, joinLink, 'Bram');
  await eventually('after joining, the focus is on the board', async () =>
    await bram.page.evaluate(() => document.activeElement?.id === 'board-title'));
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
  const kept = await keptOnDevice(bram.page, board);
  assert.ok(kept.some((key) => key.startsWith('indexeddb:')), `the document is kept in IndexedDB: ${kept}`);
  assert.ok(!kept.some((key) => key.startsWith('leerkring.doc.')), 'and not in localStorage');

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

test('the address bar never shows a token; the facilitator sees their own link only on asking', async () => {
  const { server, browser } = shared;
  const noToken = async (page, what) => {
    assert.doesNotMatch(page.url(), /token/, `${what}: no token in the address bar`);
    assert.doesNotMatch(await page.evaluate(() => location.href), /token/, `${what}: none in location`);
  };
  const fenna = await newPerson(browser);
  // The title is scanned too: a client's name in it is pointed out before anything is sent.
  await fenna.page.goto(server.url);
  await fenna.page.getByRole('textbox', { name: 'Naam van de bijeenkomst' }).fill('Overleg over mevrouw Jansen');
  await fenna.page.getByText(/lijkt op een naam/).first().waitFor();
  await screenshot(fenna.page, 'start-title-privacy-guard');
  await startMeeting(fenna.page, server.url, 'Linkjes');
  await eventually('the new board takes the token out of the address bar', async () => !/token/.test(fenna.page.url()));
  await join(fenna.page, fenna.page.url(), 'Fenna');
  await noToken(fenna.page, 'the facilitator after joining');
  const joinLink = await fenna.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();

  // The own link is hidden until asked for, by keyboard; focus goes to it.
  assert.equal(await fenna.page.getByRole('textbox', { name: /Jouw begeleiderslink/ }).count(), 0);
  const show = fenna.page.getByRole('button', { name: 'Mijn begeleiderslink tonen' });
  assert.equal(await show.getAttribute('aria-expanded'), 'false');
  await show.focus();
  await fenna.page.keyboard.press('Enter');
  const own = fenna.page.getByRole('textbox', { name: /Jouw begeleiderslink/ });
  await eventually('the own link is shown and has the focus', async () =>
    await own.evaluate((field) => field === document.activeElement));
  const ownLink = await own.inputValue();
  assert.match(ownLink, /\/b\/[A-Za-z0-9_-]{22}#token=[A-Za-z0-9_-]{43}$/);
  assert.notEqual(ownLink, joinLink, 'the facilitator link is not the participants\' link');
  assert.equal(await fenna.page.getByRole('button', { name: 'Mijn begeleiderslink verbergen' }).getAttribute('aria-expanded'), 'true');
  await screenshot(fenna.page, 'board-own-link-shown');

  // A reload opens the board again from the token on the device, still as facilitator.
  await fenna.page.reload();
  await fenna.page.getByRole('heading', { name: 'Aanwezig' }).waitFor();
  await noToken(fenna.page, 'the facilitator after a reload');
  assert.ok(await fenna.page.getByRole('textbox', { name: 'Link voor deelnemers' }).isVisible(), 'still the facilitator');

  // The own link opens the board as facilitator on another device (the projector's laptop).
  const projector = await newPerson(browser);
  await join(projector.page, ownLink, 'Beamer');
  await noToken(projector.page, 'the facilitator link on a second device');
  assert.ok(await projector.page.getByRole('textbox', { name: 'Link voor deelnemers' }).isVisible());

  // A participant's link too, on a phone.
  const anna = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  await join(anna.page, joinLink, 'Anna');
  await noToken(anna.page, 'a participant');
  assert.equal(await anna.page.getByRole('button', { name: 'Mijn begeleiderslink tonen' }).count(), 0);
  await anna.page.reload();
  await anna.page.getByRole('heading', { name: 'Aanwezig' }).waitFor();
  await noToken(anna.page, 'a participant after a reload');
  for (const person of [fenna, projector, anna]) await person.context.close();
});

test('a person has this device forget a meeting; a meeting not opened for 30 days goes by itself', async () => {
  const { server, browser } = shared;
  const fenna = await newPerson(browser);
  await startMeeting(fenna.page, server.url, 'Vergeten');
  await join(fenna.page, fenna.page.url(), 'Fenna');
  const joinLink = await fenna.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  const board = new URL(joinLink).pathname.split('/')[2];
  await goToStep(fenna.page, 'Inbreng');
  const anna = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  await join(anna.page, joinLink, 'Anna');
  await flipover(anna.page).click();
  await anna.page.keyboard.type('Wat Anna schreef. ');
  await eventually('the edit reached the facilitator', async () =>
    (await flipover(fenna.page).inputValue()).includes('Wat Anna schreef.'));
  const keysAbout = (page) => keptOnDevice(page, board);
  assert.ok((await keysAbout(anna.page)).length >= 3, 'the phone keeps the board (copy, meeting, token, info)');

  // By keyboard: the button, then the confirmation, which gets the focus.
  const forget = anna.page.getByRole('button', { name: 'Vergeet deze bijeenkomst op dit apparaat' });
  await forget.focus();
  await anna.page.keyboard.press('Enter');
  const confirm = anna.page.getByRole('button', { name: 'Ja, vergeten' });
  await eventually('the confirmation has the focus', async () =>
    await confirm.evaluate((button) => button === document.activeElement));
  await screenshot(anna.page, 'board-forget-confirm-phone');
  await anna.page.keyboard.press('Enter');
  await anna.page.waitForURL((url) => url.pathname === '/');
  // The app leaves the page only once the copy is gone.
  assert.deepEqual(await keysAbout(anna.page), [], 'nothing of the board is left on the phone');
  // The server kept everything: the facilitator still has Anna's words.
  assert.ok((await flipover(fenna.page).inputValue()).includes('Wat Anna schreef.'));

  // A board this device last opened 31 days ago is removed when the app next starts.
  assert.ok((await keysAbout(fenna.page)).length >= 3);
  await fenna.page.evaluate((id) =>
    localStorage.setItem(`leerkring.opened.${id}`, String(Date.now() - 31 * 24 * 3600 * 1000)), board);
  await fenna.page.goto(server.url);
  await fenna.page.getByRole('textbox', { name: 'Naam van de bijeenkomst' }).waitFor();
  await eventually('the month-old meeting is gone from this device', async () => (await keysAbout(fenna.page)).length === 0);
  for (const person of [fenna, anna]) await person.context.close();
});

test('a copy kept in localStorage by an older version opens offline and moves to IndexedDB', async () => {
  const { server, browser } = shared;
  const fenna = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  await startMeeting(fenna.page, server.url, 'Verhuizen');
  await join(fenna.page, fenna.page.url(), 'Fenna');
  const joinLink = await fenna.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  const board = new URL(joinLink).pathname.split('/')[2];
  await goToStep(fenna.page, 'Inbreng');
  await flipover(fenna.page).click();
  // One record per keystroke, merged into one every hundred.
  await fenna.page.keyboard.type('Van vroeger bewaard. '.repeat(8));
  const records = async () => Number((await keptOnDevice(fenna.page, board)).find((key) => key.startsWith('indexeddb:'))?.split(':')[1] ?? 0);
  await eventually('the edits are kept in IndexedDB', async () => (await records()) > 0);
  const kept = await records();
  assert.ok(kept < 100, `168 keystrokes are kept in ${kept} records`);
  await fenna.page.evaluate(() => navigator.serviceWorker.ready);
  await fenna.context.setOffline(true);

  // Offline, so only the device can bring the text back: the records move to where an
  // older version kept them (base64 lines in localStorage) and leave IndexedDB.
  await fenna.page.evaluate(async (id) => {
    const database = await new Promise((resolve) => { indexedDB.open('leerkring').onsuccess = (e) => resolve(e.target.result); });
    const index = database.transaction('updates', 'readwrite').objectStore('updates').index('board');
    const records = await new Promise((resolve) => { index.getAll(id).onsuccess = (e) => resolve(e.target.result); });
    const keys = await new Promise((resolve) => { index.getAllKeys(id).onsuccess = (e) => resolve(e.target.result); });
    const lines = records.map((record) => btoa(String.fromCharCode(...record.update)));
    localStorage.setItem(`leerkring.doc.${id}`, lines.join('\n'));
    const store = database.transaction('updates', 'readwrite').objectStore('updates');
    await Promise.all(keys.map((key) => new Promise((resolve) => { store.delete(key).onsuccess = resolve; })));
    database.close();
  }, board);
  assert.deepEqual((await keptOnDevice(fenna.page, board)).filter((key) => key.startsWith('indexeddb:') || key.startsWith('leerkring.doc.')),
    [`leerkring.doc.${board}`], 'the copy is where an older version kept it');

  await fenna.page.reload();
  await eventually('the old copy is back on the board, offline', async () =>
    (await flipover(fenna.page).inputValue()).includes('Van vroeger bewaard.'));
  await eventually('and moved to IndexedDB', async () => {
    const kept = await keptOnDevice(fenna.page, board);
    return kept.some((key) => key.startsWith('indexeddb:')) && !kept.includes(`leerkring.doc.${board}`);
  });
  await fenna.context.close();
});
