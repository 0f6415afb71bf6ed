// The waiting room (wachtkamer) in a real browser: a participant on a phone joins and
// waits, seeing nothing of the board; the facilitator, by keyboard, lets her in, and the
// board appears; a second device is refused; the one let in comes back without waiting.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sharedServerAndBrowser, newPerson, eventually, screenshot, join, startMeeting, goToStep, flipover, pressButton,
} from './harness.mjs';

const shared = sharedServerAndBrowser();

/** Opens the participants' link and says hello as `name`; resolves in the waiting room. */
async function joinAndWait(page, link, name) {
  await page.goto(link);
  await page.getByRole('textbox', { name: 'Je naam' }).fill(name);
  await page.getByRole('button', { name: 'Meedoen' }).click();
  await page.getByRole('heading', { name: 'Je zit in de wachtkamer' }).waitFor();
}

test('a waiting participant sees nothing until the facilitator lets her in', async () => {
  const { server, browser } = shared;
  const fenna = await newPerson(browser);
  await startMeeting(fenna.page, server.url, 'Met wachtkamer', { waitingRoom: true });
  await join(fenna.page, fenna.page.url(), 'Fenna');
  const joinLink = await fenna.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  await goToStep(fenna.page, 'Inbreng');
  await flipover(fenna.page).fill('Casus van vandaag');
  const waitingRoom = fenna.page.getByRole('region', { name: 'Wachtkamer' });
  assert.ok(await waitingRoom.getByRole('checkbox', { name: 'Nieuwe deelnemers wachten tot je ze toelaat' }).isChecked());
  await waitingRoom.getByText('Niemand wacht.').waitFor();

  // Anna, on her phone, waits: the focus is on what she is told, and nothing of the board shows.
  const anna = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  await joinAndWait(anna.page, joinLink, 'Anna');
  await eventually('the focus is on the waiting room heading', () =>
    anna.page.getByRole('heading', { name: 'Je zit in de wachtkamer' }).evaluate((h) => h === document.activeElement));
  assert.equal(await flipover(anna.page).isVisible(), false, 'no flip-over while waiting');
  assert.equal(await anna.page.getByText('Casus van vandaag').count(), 0, 'nothing of the board on the page');
  assert.equal(await anna.page.getByRole('heading', { name: 'Aanwezig' }).isVisible(), false);
  await screenshot(anna.page, 'admission-1-waiting-phone');

  // Fenna sees her waiting and lets her in with the keyboard.
  await waitingRoom.getByText('Anna wacht').waitFor();
  await screenshot(fenna.page, 'admission-2-facilitator-sees-waiting');
  await pressButton(fenna.page, 'Toelaten: Anna');
  await waitingRoom.getByText('Niemand wacht.').waitFor();
  await anna.page.getByRole('heading', { name: 'Aanwezig' }).waitFor();
  await eventually('the board reaches Anna', async () => (await flipover(anna.page).inputValue()) === 'Casus van vandaag');
  await screenshot(anna.page, 'admission-3-let-in-phone');

  // A second device is refused, and is told so.
  const bram = await newPerson(browser);
  await joinAndWait(bram.page, joinLink, 'Bram');
  await waitingRoom.getByText('Bram wacht').waitFor();
  await pressButton(fenna.page, 'Weigeren: Bram');
  await bram.page.getByRole('heading', { name: 'Je bent niet toegelaten' }).waitFor();
  assert.equal(await flipover(bram.page).isVisible(), false, 'Bram never saw the board');
  await screenshot(bram.page, 'admission-4-refused');

  // Anna's phone comes back later: let in again without waiting.
  await anna.page.reload();
  await anna.page.getByRole('heading', { name: 'Aanwezig' }).waitFor();
  await eventually('the board is there at once', async () => (await flipover(anna.page).inputValue()) === 'Casus van vandaag');
  assert.equal(await anna.page.getByRole('heading', { name: 'Je zit in de wachtkamer' }).count(), 0);
});

test('without a waiting room newcomers take part at once', async () => {
  const { server, browser } = shared;
  const fenna = await newPerson(browser);
  await startMeeting(fenna.page, server.url, 'Zonder wachtkamer');
  await join(fenna.page, fenna.page.url(), 'Fenna');
  const joinLink = await fenna.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  const switchOn = fenna.page.getByRole('checkbox', { name: 'Nieuwe deelnemers wachten tot je ze toelaat' });
  assert.equal(await switchOn.isChecked(), false);
  const cor = await newPerson(browser);
  await join(cor.page, joinLink, 'Cor');
  // Switched on during the meeting: the next new device waits, Cor stays.
  await switchOn.check();
  const dina = await newPerson(browser);
  await joinAndWait(dina.page, joinLink, 'Dina');
  await fenna.page.getByText('Dina wacht').waitFor();
  await screenshot(fenna.page, 'admission-5-switched-on');
  await screenshot(dina.page, 'admission-6-waiting-after-switch');
  await cor.page.reload();
  await cor.page.getByRole('heading', { name: 'Aanwezig' }).waitFor();
});
