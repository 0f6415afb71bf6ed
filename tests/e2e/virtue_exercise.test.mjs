// Activity A, the virtue exercise, in a real browser: a new meeting starts from an earlier
// meeting's table (copied in), pairs write practice stories marked middle / too little /
// too much, the stories are shared side by side, and the debrief is answered on the board.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sharedServerAndBrowser, newPerson, eventually, everyone, stepHeading, screenshot, join, joinAll, startMeeting,
  goToStep, focused, waitingRoomChoice,
} from './harness.mjs';

const shared = sharedServerAndBrowser();
const cell = (page, column, row) => page.getByRole('textbox', { name: `${column}, rij ${row}` });

/** The facilitator sets the agenda to the virtue exercise alone. */
async function exerciseOnly(page) {
  await page.getByText('Hele programma').click();
  await page.getByRole('checkbox', { name: 'Deugdenoefening' }).check();
  for (const other of ['Deugdenkaarten in drie ronden', 'Evaluatie']) {
    await page.getByRole('checkbox', { name: other }).uncheck();
  }
  await page.getByRole('combobox', { name: /Aantal casussen/ }).selectOption('0');
  await page.getByRole('button', { name: 'Programma instellen' }).click();
  await stepHeading(page, 'Deugden noemen in tweetallen').waitFor();
}

test('Activity A: an earlier table copied in, practice stories in pairs, shared, debrief', async () => {
  const { server, browser } = shared;
  const facilitator = await newPerson(browser);
  facilitator.name = 'Fenna';

  // An earlier meeting of the team, with one virtue in its table.
  await startMeeting(facilitator.page, server.url, 'Bijeenkomst 1');
  await join(facilitator.page, facilitator.page.url(), 'Fenna');
  await exerciseOnly(facilitator.page);
  await goToStep(facilitator.page, 'Te weinig en te veel invullen');
  await facilitator.page.getByRole('button', { name: 'Deugd toevoegen' }).click();
  await cell(facilitator.page, 'Te weinig', 1).fill('Afstandelijk');
  await cell(facilitator.page, 'Deugd', 1).fill('Betrokkenheid');
  await cell(facilitator.page, 'Te veel', 1).fill('Overnemen');

  // This meeting starts from it. The device remembers Fenna's name: no join form now.
  await facilitator.page.goto(server.url);
  await facilitator.page.getByRole('textbox', { name: 'Naam van de bijeenkomst' }).fill('Bijeenkomst 2');
  await waitingRoomChoice(facilitator.page).uncheck();
  await facilitator.page.getByRole('button', { name: 'Bijeenkomst starten' }).click();
  await facilitator.page.getByRole('heading', { name: 'Aanwezig' }).waitFor();
  const link = await facilitator.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  await exerciseOnly(facilitator.page);
  const participants = await joinAll(browser, link, [['Anna'], ['Bram', { viewport: { width: 360, height: 740 } }], ['Cor'], ['Dina']]);
  const all = [facilitator, ...participants];
  await facilitator.page.getByText('Tabel van een eerdere bijeenkomst overnemen').click();
  await facilitator.page.getByRole('combobox', { name: 'Eerdere bijeenkomst' }).selectOption({ label: 'Bijeenkomst 1' });
  await facilitator.page.getByRole('button', { name: 'Tabel overnemen' }).click();
  await facilitator.page.getByText('1 deugd overgenomen.').waitFor();
  await everyone(all, 'the copied row', async (page) =>
    (await cell(page, 'Deugd', 1).inputValue()) === 'Betrokkenheid' && (await cell(page, 'Te veel', 1).inputValue()) === 'Overnemen');
  await facilitator.page.getByRole('button', { name: 'Tabel overnemen' }).click();
  await facilitator.page.getByText('Niets overgenomen: de tabel had deze deugden al.').waitFor();

  // Step 5: pairs relate a virtue to a recent situation.
  await goToStep(facilitator.page, 'Koppelen aan de praktijk');
  await facilitator.page.getByRole('button', { name: 'Groepen maken' }).click();
  const stanceOf = { Anna: 'te veel', Bram: 'het midden', Cor: 'te weinig', Dina: 'het midden' };
  const writers = {};
  for (const person of participants) {
    const group = await eventually(`${person.name} is in a pair`, async () => {
      for (const n of [1, 2]) if (await person.page.getByRole('heading', { level: 3, name: `Groep ${n}` }).isVisible()) return n;
      return 0;
    });
    if (writers[group]) continue;
    writers[group] = person;
    await person.page.getByRole('button', { name: 'Verhaal toevoegen' }).click();
    await focused(person.page, /^Deugd$/);
    await person.page.keyboard.type('Betrokkenheid');
    await person.page.getByRole('radio', { name: stanceOf[person.name] }).check();
    await person.page.getByRole('textbox', { name: /Wat gebeurde er/ }).fill(`Verhaal van ${person.name}: ik nam te snel over.`);
  }
  assert.equal(Object.keys(writers).length, 2, 'two pairs');
  await screenshot(writers[1].page, 'exercise-stories-desktop');

  // Step 6: the stories side by side for everyone.
  await facilitator.page.getByRole('button', { name: 'Terug naar plenair' }).click();
  await goToStep(facilitator.page, 'Verhalen delen');
  await everyone(all, 'both stories with their stance', async (page) => {
    const texts = await page.getByRole('textbox', { name: /Wat gebeurde er/ }).evaluateAll((areas) => areas.map((a) => a.value));
    if (texts.length !== 2) return false;
    for (const writer of Object.values(writers)) {
      if (!texts.some((t) => t.startsWith(`Verhaal van ${writer.name}`))) return false;
    }
    const stances = page.getByRole('group', { name: 'Handelde je vanuit…' });
    const checked = await stances.getByRole('radio', { checked: true }).evaluateAll((radios) =>
      radios.map((r) => r.closest('label').textContent.trim()));
    const wanted = Object.values(writers).map((w) => stanceOf[w.name]).sort();
    return JSON.stringify(checked.sort()) === JSON.stringify(wanted);
  });
  await screenshot(facilitator.page, 'exercise-share-desktop');
  await screenshot(participants[1].page, 'exercise-share-phone');

  // Step 7: the debrief on the board.
  await goToStep(facilitator.page, 'Nabespreken');
  const usable = (page) => page.getByRole('region', { name: 'Wat is bruikbaar in je praktijk?' });
  await usable(participants[0].page).getByRole('button', { name: 'Antwoord toevoegen' }).click();
  await focused(participants[0].page, /van Anna/);
  await participants[0].page.keyboard.type('Eerst vragen, dan pas doen.');
  await everyone(all, "Anna's answer", async (page) =>
    (await usable(page).getByRole('textbox', { name: /van Anna/ }).inputValue()) === 'Eerst vragen, dan pas doen.');
  await screenshot(participants[1].page, 'exercise-debrief-phone');

  for (const person of all) {
    assert.deepEqual(person.problems.filter((p) => !/WebSocket|Failed to load resource/.test(p)), [], `${person.name}'s console`);
  }
});
