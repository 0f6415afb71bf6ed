// The end of a meeting's and a team's life in a real browser: the facilitator deletes a
// meeting and everyone's screen says so (the phone keeps nothing of it); the facilitator
// replaces the participant link and the old one is refused, by the connected phone and
// by a newcomer alike; a team's link is replaced and the team is deleted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sharedServerAndBrowser, newPerson, eventually, screenshot, flipover, goToStep, join, startMeeting, startServer, pressButton, keptOnDevice,
} from './harness.mjs';

const shared = sharedServerAndBrowser();

/** Waits until the button named `name` has the focus. */
async function focusOn(page, name) {
  const button = page.getByRole('button', { name });
  await eventually(`focus on ${name}`, async () => await button.evaluate((b) => b === document.activeElement));
}

test('the facilitator deletes a meeting and every participant sees it is gone', async () => {
  const { server, browser } = shared;
  const fenna = await newPerson(browser);
  await startMeeting(fenna.page, server.url, 'Weg ermee');
  await join(fenna.page, fenna.page.url(), 'Fenna');
  const joinLink = await fenna.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  const board = new URL(joinLink).pathname.split('/')[2];
  await goToStep(fenna.page, 'Inbreng');
  const anna = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  await join(anna.page, joinLink, 'Anna');
  const bram = await newPerson(browser);
  await join(bram.page, joinLink, 'Bram');
  await flipover(anna.page).click();
  await anna.page.keyboard.type('Een casus over een cliënt. ');
  await eventually('the edit reached Bram', async () => (await flipover(bram.page).inputValue()).includes('Een casus'));
  assert.ok((await keptOnDevice(anna.page, board)).length >= 3, 'the phone keeps a copy of the board');
  assert.equal(await anna.page.getByRole('button', { name: 'Bijeenkomst verwijderen' }).count(), 0,
    'a participant has no delete button');

  // Keyboard only: the button, the question with the focus on "yes", then yes.
  await pressButton(fenna.page, 'Bijeenkomst verwijderen');
  await focusOn(fenna.page, 'Ja, definitief verwijderen');
  await fenna.page.getByText('Weet je het zeker?').waitFor();
  await screenshot(fenna.page, 'board-delete-confirm');
  await fenna.page.keyboard.press('Enter');

  for (const person of [fenna, anna, bram]) {
    await person.page.getByRole('heading', { level: 1, name: 'Deze bijeenkomst is verwijderd' }).waitFor();
    assert.equal(await flipover(person.page).isVisible(), false, 'the board is no longer shown');
  }
  await eventually('focus on the news', async () =>
    await anna.page.evaluate(() => document.activeElement?.id === 'deleted-heading'));
  await screenshot(anna.page, 'board-deleted-phone');
  await screenshot(bram.page, 'board-deleted');
  await eventually('nothing of the board is left on the phone', async () =>
    (await keptOnDevice(anna.page, board)).length === 0);

  // The old link, opened later on a new device, says the same (the server answers 410).
  const late = await newPerson(browser);
  await late.page.goto(joinLink);
  await late.page.getByRole('heading', { level: 1, name: 'Deze bijeenkomst is verwijderd' }).waitFor();
  assert.deepEqual(await keptOnDevice(late.page, board), []);
  for (const person of [fenna, anna, bram, late]) await person.context.close();
});

test('the facilitator replaces the participant link and the old one is refused', async () => {
  const { server, browser } = shared;
  const fenna = await newPerson(browser);
  await startMeeting(fenna.page, server.url, 'Nieuwe link');
  await join(fenna.page, fenna.page.url(), 'Fenna');
  const linkField = fenna.page.getByRole('textbox', { name: 'Link voor deelnemers' });
  const oldLink = await linkField.inputValue();
  const oldQr = await fenna.page.getByRole('img', { name: /QR/ }).getAttribute('src');
  const anna = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  await join(anna.page, oldLink, 'Anna');

  await pressButton(fenna.page, 'Nieuwe deelnemerslink maken');
  await focusOn(fenna.page, 'Ja, nieuwe link maken');
  await screenshot(fenna.page, 'board-new-link-confirm');
  await fenna.page.keyboard.press('Enter');
  await fenna.page.getByText('Er is een nieuwe link. De oude werkt niet meer.').waitFor();
  const newLink = await linkField.inputValue();
  assert.notEqual(newLink, oldLink);
  assert.match(newLink, /\/b\/[A-Za-z0-9_-]{22}#token=[A-Za-z0-9_-]{43}$/);
  assert.notEqual(await fenna.page.getByRole('img', { name: /QR/ }).getAttribute('src'), oldQr, 'a new QR code');
  assert.doesNotMatch(fenna.page.url(), /token/);
  await screenshot(fenna.page, 'board-new-link');

  // Anna, connected with the old link, is told so; the facilitator stays connected.
  await anna.page.getByText(/De begeleider heeft een nieuwe link gemaakt/).waitFor();
  await screenshot(anna.page, 'board-link-replaced-phone');
  assert.ok(await fenna.page.getByText('Verbonden').first().isVisible());

  // A newcomer with the old link is refused; with the new one they join.
  const bram = await newPerson(browser);
  await bram.page.goto(oldLink);
  await bram.page.getByRole('heading', { name: 'Deze link werkt niet' }).waitFor();
  await join(bram.page, newLink, 'Bram');
  assert.doesNotMatch(bram.page.url(), /token/);
  for (const person of [fenna, anna, bram]) await person.context.close();
});

test('the team facilitator replaces the team link and deletes the team', async () => {
  const { server, browser } = shared;
  const facilitator = await newPerson(browser);
  const fenna = facilitator.page;
  await fenna.goto(server.url);
  await fenna.getByRole('textbox', { name: 'Naam van het team' }).fill('Wijkteam Oost');
  await fenna.getByRole('button', { name: 'Leerkring starten' }).click();
  await fenna.getByRole('heading', { level: 1, name: 'Wijkteam Oost' }).waitFor();
  const teamLink = fenna.getByRole('textbox', { name: 'Teamlink' });
  const oldLink = await teamLink.inputValue();

  await pressButton(fenna, 'Nieuwe teamlink maken');
  await focusOn(fenna, 'Ja, nieuwe link maken');
  await fenna.keyboard.press('Enter');
  await fenna.getByText('Er is een nieuwe teamlink. De oude werkt niet meer.').waitFor();
  const newLink = await teamLink.inputValue();
  assert.notEqual(newLink, oldLink);
  const member = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  await member.page.goto(oldLink);
  await member.page.getByRole('heading', { name: 'Deze link werkt niet' }).waitFor();
  await member.page.goto(newLink);
  await member.page.getByRole('heading', { level: 1, name: 'Wijkteam Oost' }).waitFor();

  await pressButton(fenna, 'Team verwijderen');
  await focusOn(fenna, 'Ja, team definitief verwijderen');
  await screenshot(fenna, 'team-delete-confirm');
  await fenna.keyboard.press('Enter');
  await fenna.getByRole('heading', { level: 1, name: 'Dit team is verwijderd' }).waitFor();
  await screenshot(fenna, 'team-deleted');
  await member.page.reload();
  await member.page.getByRole('heading', { level: 1, name: 'Dit team is verwijderd' }).waitFor();
  await screenshot(member.page, 'team-deleted-phone');
  for (const person of [facilitator, member]) await person.context.close();
});

test('the team page shows that an expired meeting took place, without its content', async () => {
  const { browser } = shared;
  const server = await startServer(['--retention-days', '0.00002', '--retention-check-secs', '1', '--unload-after-secs', '1']);
  try {
    const post = async (path, token, body) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      assert.ok(response.ok, `${path}: ${response.status}`);
      return response.json();
    };
    const team = await post('/api/teams', null, { name: 'Wijkteam Bewaren' });
    await post(`/api/teams/${team.team_id}/meetings`, team.facilitator_token, { title: 'Bijeenkomst van lang geleden' });
    const member = await newPerson(browser, { viewport: { width: 360, height: 740 } });
    await eventually('the meeting expired', async () => {
      await member.page.goto(team.member_url);
      await member.page.getByRole('heading', { level: 1, name: 'Wijkteam Bewaren' }).waitFor();
      return member.page.getByText('De inhoud is verwijderd na de bewaartermijn van je organisatie.').isVisible();
    }, 20000);
    await member.page.getByText('Bijeenkomst van lang geleden').first().waitFor();
    await member.page.getByText(/Op het programma stond: Deugdenkaarten in drie ronden, Omgangsoverleg/).waitFor();
    assert.equal(await member.page.getByRole('link', { name: 'Bijeenkomst van lang geleden' }).count(), 0,
      'no link into an expired meeting');
    await screenshot(member.page, 'team-expired-meeting-phone');
    await member.context.close();
  } finally {
    await server.stop();
  }
});
