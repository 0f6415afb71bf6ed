// The facilitation engine in a real browser: the facilitator leads through the agenda
// with a timer and two groups, every participant's screen follows, and a vote is
// revealed and ranked (ties shown as ties).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sharedServerAndBrowser, newPerson, eventually, everyone, stepHeading, screenshot, goToStep, join, joinAll, startMeeting,
} from './harness.mjs';

const shared = sharedServerAndBrowser();

test('the facilitator leads: agenda, timer, two groups, a vote revealed and ranked', async () => {
  const { server, browser } = shared;
  const facilitator = await newPerson(browser);
  facilitator.name = 'Fenna';
  await startMeeting(facilitator.page, server.url, 'Leerkring Oost');
  await join(facilitator.page, facilitator.page.url(), 'Fenna');
  const link = await facilitator.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();

  const participants = await joinAll(browser, link, [['Anna'], ['Bram', { viewport: { width: 360, height: 740 } }], ['Cor'], ['Dina']]);
  const all = [facilitator, ...participants];
  await everyone(all, 'first step', (page) => stepHeading(page, 'Ronde 1: een kaart kiezen').isVisible());
  for (const person of participants) {
    assert.equal(await person.page.getByRole('button', { name: 'Volgende stap' }).count(), 0, 'participants cannot steer');
  }

  // Forward one step, with the timer.
  await facilitator.page.getByRole('button', { name: 'Volgende stap' }).click();
  await everyone(all, 'round 2', (page) => stepHeading(page, 'Ronde 2: top drie per groep').isVisible());
  await facilitator.page.getByRole('button', { name: /Timer starten \(20 min\)/ }).click();
  await everyone(all, 'a running timer', async (page) => /^(19:[0-5]\d|20:00)/.test(await page.getByRole('timer').textContent()));

  // Two groups; each writes in its own workspace.
  await facilitator.page.getByRole('radio', { name: 'Aantal groepen' }).check();
  await facilitator.page.getByRole('spinbutton', { name: 'Aantal groepen' }).fill('2');
  await facilitator.page.getByRole('button', { name: 'Groepen maken' }).click();
  const groupOf = async (person) => eventually(`${person.name} is in a group`, async () => {
    for (const n of [1, 2]) {
      if (await person.page.getByRole('textbox', { name: `Groep ${n} – Flip-over` }).isVisible()) return n;
    }
    return 0;
  });
  const groups = {};
  for (const person of participants) {
    person.group = await groupOf(person);
    (groups[person.group] ??= []).push(person);
  }
  assert.deepEqual(Object.values(groups).map((g) => g.length).sort(), [2, 2], 'two groups of two');
  const listed = await facilitator.page.getByRole('region', { name: 'Groepen' }).textContent();
  assert.ok(!listed.includes('Fenna'), 'the facilitator leads and is in no group');
  for (const person of participants) {
    const other = person.group === 1 ? 2 : 1;
    assert.equal(await person.page.getByRole('textbox', { name: `Groep ${other} – Flip-over` }).count(), 0,
      'a participant sees only their own group while working');
  }
  await everyone([facilitator], 'the facilitator sees both groups', async (page) =>
    (await page.getByRole('textbox', { name: /^Groep [12] – Flip-over$/ }).count()) === 2);
  for (const [n, members] of Object.entries(groups)) {
    const [writer, reader] = members;
    const field = (page) => page.getByRole('textbox', { name: `Groep ${n} – Flip-over` });
    await field(writer.page).click();
    await writer.page.keyboard.type(`Top drie van groep ${n}: Geduld, Respect, Moed`);
    await eventually('the group mate sees it', async () =>
      (await field(reader.page).inputValue()).includes(`groep ${n}`));
  }
  await screenshot(facilitator.page, 'facilitator-groups');
  await screenshot(participants[1].page, 'participant-group-phone');

  // Back in plenary: the groups' results side by side, for everyone.
  await facilitator.page.getByRole('button', { name: 'Terug naar plenair' }).click();
  await facilitator.page.getByRole('button', { name: 'Volgende stap' }).click();
  await everyone(all, 'plenary with both groups side by side', async (page) =>
    await stepHeading(page, 'Ronde 2: de groepen naast elkaar').isVisible()
      && await page.getByRole('heading', { name: 'Resultaten van de groepen' }).isVisible()
      && (await page.getByRole('textbox', { name: /^Groep [12] – Flip-over$/ }).count()) === 2);
  assert.ok((await participants[0].page.getByRole('textbox', { name: 'Groep 2 – Flip-over' }).inputValue()).includes('groep 2'));
  await facilitator.page.getByRole('button', { name: 'Volgende stap' }).click();
  await everyone(all, 'round 3', (page) => stepHeading(page, 'Ronde 3: de top drie van het team').isVisible());
  await eventually('a new step stops the timer', async () =>
    (await facilitator.page.getByRole('timer').textContent()).includes('Geen timer'));

  // The vote: round 3 has its own vote of the chosen cards, so the general vote is held in
  // a step of the case consultation.
  await goToStep(facilitator.page, 'Fase 1: verkennen');
  await everyone(all, 'a case step', (page) => stepHeading(page, 'Fase 1: verkennen').isVisible());
  await facilitator.page.getByRole('textbox', { name: 'Vraag' }).fill('Welke deugden zijn voor ons team het belangrijkst?');
  await facilitator.page.getByRole('textbox', { name: 'Keuzes, één per regel' }).fill('Geduld\nRespect\nMoed\nEerlijkheid');
  await facilitator.page.getByRole('button', { name: 'Stemming openen' }).click();
  const ballots = { Anna: ['Geduld', 'Respect'], Bram: ['Geduld', 'Moed'], Cor: ['Respect', 'Moed'], Dina: ['Geduld'] };
  for (const person of participants) {
    for (const option of ballots[person.name]) {
      const box = person.page.getByRole('checkbox', { name: option });
      await box.waitFor();
      await box.check();
      await eventually(`${person.name} voted for ${option}`, () => box.isChecked());
    }
  }
  await everyone(all, 'four people voted', async (page) => (await page.getByText('4 personen hebben gestemd.').count()) === 1);
  for (const person of all) {
    assert.equal(await person.page.getByRole('heading', { name: 'Uitslag' }).count(), 0, 'secret before the reveal');
  }
  const annaLeft = await participants[0].page.getByText('Je hebt nog 1 stem.').isVisible();
  assert.ok(annaLeft, 'Anna sees her remaining vote');
  await screenshot(participants[0].page, 'participant-vote');
  await screenshot(participants[1].page, 'participant-vote-phone');
  await screenshot(facilitator.page, 'facilitator-controls-vote');

  await facilitator.page.getByRole('button', { name: 'Uitslag tonen' }).click();
  const expected = [
    '1e plaats Geduld 3 stemmen',
    '2e plaats (gedeeld) Respect 2 stemmen',
    '2e plaats (gedeeld) Moed 2 stemmen',
    '4e plaats Eerlijkheid 0 stemmen',
  ];
  await everyone(all, 'the ranked results', async (page) => {
    const rows = await page.getByRole('list').filter({ has: page.getByText('1e plaats') }).getByRole('listitem').allTextContents();
    return JSON.stringify(rows.map((r) => r.replace(/\s+/g, ' ').trim())) === JSON.stringify(expected);
  });
  await screenshot(facilitator.page, 'facilitator-results');
  await screenshot(participants[1].page, 'participant-results-phone');

  // Groups by hand: Anna and Bram together, Cor and Dina together.
  await facilitator.page.locator('summary', { hasText: 'Groepen' }).click();
  await facilitator.page.getByRole('radio', { name: 'Zelf indelen' }).check();
  for (const [name, group] of [['Anna', '1'], ['Bram', '1'], ['Cor', '2'], ['Dina', '2']]) {
    await facilitator.page.getByRole('spinbutton', { name: `Groep voor ${name}` }).fill(group);
  }
  await facilitator.page.getByRole('button', { name: 'Groepen maken' }).click();
  for (const person of participants) {
    const expected = ['Anna', 'Bram'].includes(person.name) ? 1 : 2;
    await eventually(`${person.name} is in group ${expected}`, () =>
      person.page.getByRole('textbox', { name: `Groep ${expected} – Flip-over` }).isVisible());
  }

  // A new agenda: everyone lands on its first step.
  if (!(await facilitator.page.getByRole('button', { name: 'Programma instellen' }).isVisible())) {
    await facilitator.page.getByText('Hele programma').click();
  }
  await facilitator.page.getByRole('checkbox', { name: 'Deugdenkaarten in drie ronden' }).uncheck();
  await facilitator.page.getByRole('button', { name: 'Programma instellen' }).click();
  await everyone(all, 'the new agenda starts with the intake', (page) => stepHeading(page, 'Inbreng').isVisible());
  await screenshot(facilitator.page, 'facilitator-new-agenda');

  for (const person of all) {
    assert.deepEqual(person.problems.filter((p) => !/WebSocket|Failed to load resource/.test(p)), []);
  }
});

test('someone the facilitator removes is told so on their phone and stops reconnecting', async () => {
  const { server, browser } = shared;
  const facilitator = await newPerson(browser);
  await startMeeting(facilitator.page, server.url, 'Leerkring West');
  await join(facilitator.page, facilitator.page.url(), 'Fenna');
  const link = await facilitator.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  const [eva] = await joinAll(browser, link, [['Eva', { viewport: { width: 360, height: 740 } }]]);
  await eventually('the facilitator sees Eva', () =>
    facilitator.page.getByRole('button', { name: 'Verwijderen: Eva' }).isVisible());
  await facilitator.page.getByRole('button', { name: 'Verwijderen: Eva' }).click();

  const told = eva.page.getByRole('status').filter({ hasText: 'De begeleider heeft je uit de bijeenkomst gehaald.' });
  await eventually('Eva is told why', async () => (await told.count()) === 1);
  // Reconnecting would be refused again (4001): the client no longer tries. Its backoff
  // starts at 250 ms, so three seconds would have seen several attempts.
  const upgrades = () => server.log.filter((line) => line.includes('/ws/') && line.includes('finished processing')).length;
  const before = upgrades();
  await eva.page.waitForTimeout(3000);
  assert.equal(upgrades(), before, 'no new connection attempts after the removal');
  assert.equal(await told.count(), 1, 'still told, not "reconnecting"');
  await screenshot(eva.page, 'participant-removed-phone');
});

test('the last step offers "Bijeenkomst afronden": everyone sees what the meeting did; the facilitator may reopen it', async () => {
  const { server, browser } = shared;
  const facilitator = await newPerson(browser);
  facilitator.name = 'Fenna';
  await startMeeting(facilitator.page, server.url, 'Afronden');
  await join(facilitator.page, facilitator.page.url(), 'Fenna');
  const link = await facilitator.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  const participants = await joinAll(browser, link, [['Anna', { viewport: { width: 360, height: 740 } }]]);
  const all = [facilitator, ...participants];
  const [anna] = participants;

  // Up to the last step: "Volgende stap" gives way to "Bijeenkomst afronden".
  await facilitator.page.getByText('Hele programma').click();
  await facilitator.page.getByRole('button', { name: 'Nabespreken', exact: true }).last().click();
  const finish = facilitator.page.getByRole('button', { name: 'Bijeenkomst afronden' });
  await finish.waitFor();
  assert.equal(await facilitator.page.getByRole('button', { name: 'Volgende stap' }).count(), 0, 'no next step at the end');

  // By keyboard.
  await finish.focus();
  await facilitator.page.keyboard.press('Enter');
  await everyone(all, 'the meeting is finished', (page) =>
    page.getByRole('heading', { level: 2, name: 'De bijeenkomst is afgerond' }).isVisible());
  await eventually('the focus is on the news', async () =>
    await anna.page.evaluate(() => document.activeElement?.id === 'closing-heading'));
  const summary = await anna.page.getByRole('region', { name: 'De bijeenkomst is afgerond' }).textContent();
  for (const activity of ['Deugdenkaarten', 'Omgangsoverleg', 'Evaluatie']) assert.ok(summary.includes(activity), `${activity} in ${summary}`);
  assert.ok(!summary.includes('teampagina'), 'a meeting without a team has no team page to point to');
  assert.equal(await anna.page.getByRole('button', { name: 'Bijeenkomst heropenen' }).count(), 0, 'only the facilitator reopens');
  await screenshot(anna.page, 'meeting-finished-phone');
  await screenshot(facilitator.page, 'meeting-finished');

  await facilitator.page.getByRole('button', { name: 'Bijeenkomst heropenen' }).click();
  await everyone(all, 'back at the last step', (page) => stepHeading(page, 'Nabespreken').isVisible());
  for (const person of all) await person.context.close();
});
