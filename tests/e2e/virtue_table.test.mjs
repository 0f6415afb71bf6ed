// The virtue table in a real browser: rows added by anyone, two people typing in the
// same cell at the same moment end with both texts merged, and the facilitator's lock
// makes the table read-only for participants.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sharedServerAndBrowser, newPerson, eventually, everyone, stepHeading, screenshot, goToStep, join, startMeeting,
} from './harness.mjs';

const shared = sharedServerAndBrowser();

const cell = (page, column, row) => page.getByRole('textbox', { name: `${column}, rij ${row}` });

test('two people typing in the same cell at once end with both texts merged', async () => {
  const { server, browser } = shared;
  const facilitator = await newPerson(browser);
  await startMeeting(facilitator.page, server.url, 'Deugdentabel');
  await join(facilitator.page, facilitator.page.url(), 'Fenna');
  const link = await facilitator.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  const anna = await newPerson(browser);
  const bram = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  await join(anna.page, link, 'Anna');
  await join(bram.page, link, 'Bram');
  const all = [facilitator, anna, bram];
  facilitator.name = 'Fenna';
  anna.name = 'Anna';
  bram.name = 'Bram';

  // The table is the workspace of the virtue exercise: the facilitator adds that activity
  // to the agenda and goes to the step where the table is reviewed.
  await facilitator.page.getByText('Hele programma').click();
  await facilitator.page.getByRole('checkbox', { name: 'Deugdenoefening' }).check();
  await facilitator.page.getByRole('button', { name: 'Programma instellen' }).click();
  await everyone(all, 'the exercise starts', (page) => stepHeading(page, 'Deugden noemen in tweetallen').isVisible());
  await goToStep(facilitator.page, 'De tabel samen bekijken');
  await everyone(all, 'the step with the table', (page) => stepHeading(page, 'De tabel samen bekijken').isVisible());

  await facilitator.page.getByRole('button', { name: 'Deugd toevoegen' }).click();
  for (const person of all) await cell(person.page, 'Deugd', 1).waitFor();

  // Both click into the same empty cell and type at the same time.
  await cell(anna.page, 'Deugd', 1).click();
  await cell(bram.page, 'Deugd', 1).click();
  await Promise.all([
    anna.page.keyboard.type('Geduld', { delay: 40 }),
    bram.page.keyboard.type('Respect', { delay: 40 }),
  ]);
  const merged = await eventually('all three show the same merged cell', async () => {
    const texts = await Promise.all(all.map((p) => cell(p.page, 'Deugd', 1).inputValue()));
    return texts.every((t) => t === texts[0]) && texts[0].length === 'Geduld'.length + 'Respect'.length && texts[0];
  });
  const letters = (text) => [...text].sort().join('');
  assert.equal(letters(merged), letters('GeduldRespect'), `every typed character is there: ${merged}`);
  assert.ok(['GeduldRespect', 'RespectGeduld'].includes(merged), `each person's word stays together: ${merged}`);

  await cell(facilitator.page, 'Te weinig', 1).fill('Vluchtig');
  await cell(anna.page, 'Te veel', 1).click();
  await anna.page.keyboard.type('Traag');
  await eventually('the others see who is typing in that cell', () =>
    cell(facilitator.page, 'Te veel', 1).locator('xpath=..').getByText('Anna', { exact: true }).isVisible());
  await facilitator.page.getByRole('button', { name: 'Deugd toevoegen' }).click();
  await cell(bram.page, 'Deugd', 2).click();
  await bram.page.keyboard.type('Betrokkenheid');
  await eventually('the facilitator sees the second row', async () =>
    (await cell(facilitator.page, 'Deugd', 2).inputValue()) === 'Betrokkenheid');
  await eventually('the phone sees the filled columns', async () =>
    (await cell(bram.page, 'Te weinig', 1).inputValue()) === 'Vluchtig'
      && (await cell(bram.page, 'Te veel', 1).inputValue()) === 'Traag');

  // Moving a row keeps its content.
  await facilitator.page.getByRole('button', { name: 'Omhoog: Betrokkenheid' }).click();
  await eventually('everyone sees the moved row first', async () =>
    (await Promise.all(all.map((p) => cell(p.page, 'Deugd', 1).inputValue()))).every((t) => t === 'Betrokkenheid'));

  // The lock: participants can read but not edit.
  await facilitator.page.getByRole('button', { name: 'Tabel vergrendelen' }).click();
  await eventually('the cell is read-only for Anna', async () => !(await cell(anna.page, 'Deugd', 1).isEditable()));
  assert.ok(await cell(facilitator.page, 'Deugd', 1).isEditable(), 'the facilitator still edits');
  assert.ok(await anna.page.getByText('De begeleider heeft de tabel vergrendeld').first().isVisible());
  await screenshot(facilitator.page, 'virtue-table-desktop');
  await screenshot(bram.page, 'virtue-table-phone');
  await facilitator.page.getByRole('button', { name: 'Tabel ontgrendelen' }).click();
  await eventually('Anna may edit again', () => cell(anna.page, 'Deugd', 1).isEditable());
});
