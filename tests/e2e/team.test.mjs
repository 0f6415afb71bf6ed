// A team (leerkring) across two meetings in a real browser: the facilitator starts a team
// from the start page, starts two meetings from the team page (a virtue exercise with a
// debrief, then a case consultation with a lesson), and back on the team page the team's
// compass, history and case show; a lesson becomes a development point, a point is added
// and marked "niet gelukt" with what stood in the way, the draft visitation pack shows,
// downloads stay locked until the facilitator approves, and the zip holds every format.
// A member opening the team link sees the page but cannot approve.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import {
  sharedServerAndBrowser, newPerson, eventually, everyone, stepHeading, join, joinAll, goToStep, focused,
  waitingRoomChoice,
  assertAccessible,
} from './harness.mjs';

const shared = sharedServerAndBrowser();
const phone = { viewport: { width: 390, height: 844 } };
const shots = '/tmp/team-shots';
const cell = (page, column, row) => page.getByRole('textbox', { name: `${column}, rij ${row}` });
const section = (page, name) => page.getByRole('region', { name });

async function shoot(page, name) {
  await assertAccessible(page, name);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: joinPath(shots, `${name}.png`), fullPage: true });
}

/** Types into a shared text field once it has focus, as a person waits for the cursor. */
async function typeInto(page, name, text) {
  await page.getByRole('textbox', { name, exact: true }).click();
  await focused(page, name);
  await page.keyboard.type(text);
}

/** Sets the meeting's agenda to exactly `activities` and `cases` case consultations;
 * resolves once the meeting is at its first step. */
async function agenda(page, activities, cases, firstStep) {
  await page.getByText('Hele programma').click();
  for (const name of ['Deugdenoefening', 'Deugdenkaarten in drie ronden', 'Evaluatie']) {
    const box = page.getByRole('checkbox', { name });
    if (activities.includes(name)) await box.check();
    else await box.uncheck();
  }
  await page.getByRole('combobox', { name: /Aantal casussen/ }).selectOption(String(cases));
  await page.getByRole('button', { name: 'Programma instellen' }).click();
  await stepHeading(page, firstStep).waitFor();
}

/** From the team page, starts a meeting; the facilitator joins it and one participant too. */
async function meeting(browser, fenna, teamUrl, title, participantName) {
  await fenna.goto(teamUrl);
  await fenna.getByRole('textbox', { name: 'Naam van de nieuwe bijeenkomst' }).fill(title);
  await waitingRoomChoice(fenna).uncheck();
  await fenna.getByRole('button', { name: 'Bijeenkomst starten' }).click();
  // The new board's link carries its token; the app keeps it and takes it out of the address bar.
  await fenna.waitForURL(/\/b\/[^/#]+$/);
  // The device remembers Fenna's name after the first meeting.
  const name = fenna.getByRole('textbox', { name: 'Je naam' });
  await name.or(fenna.getByRole('heading', { name: 'Aanwezig' })).waitFor();
  if (await name.isVisible()) await join(fenna, fenna.url(), 'Fenna');
  const link = await fenna.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  // The meeting leads back to the team page for whoever has it on this device.
  const back = fenna.getByRole('link', { name: 'Naar de teampagina' });
  assert.equal(new URL(await back.getAttribute('href'), fenna.url()).pathname, new URL(teamUrl).pathname);
  const [participant] = await joinAll(browser, link, [[participantName]]);
  assert.equal(await participant.page.getByRole('link', { name: 'Naar de teampagina' }).count(), 0);
  return participant;
}

test('a team across two meetings: compass, history, development points and the approved visitation pack', async () => {
  const { server, browser } = shared;
  const facilitator = await newPerson(browser);
  facilitator.name = 'Fenna';
  const fenna = facilitator.page;

  // The start page offers a team beside a single meeting.
  await fenna.goto(server.url);
  await fenna.getByRole('heading', { level: 2, name: 'Start een leerkring (team)' }).waitFor();
  await fenna.getByRole('textbox', { name: 'Naam van het team' }).fill('Wijkteam Noord');
  await fenna.getByRole('button', { name: 'Leerkring starten' }).click();
  await fenna.getByRole('heading', { level: 1, name: 'Wijkteam Noord' }).waitFor();
  const teamUrl = fenna.url();
  assert.match(teamUrl, /\/t\/[^/#]+$/, 'the team page takes its token out of the address bar (the device keeps it)');
  const memberUrl = await fenna.getByRole('textbox', { name: 'Teamlink' }).inputValue();
  assert.match(memberUrl, /\/t\/[^/#]+#token=/);
  assert.notEqual(memberUrl, teamUrl, 'members get a link of their own');
  await fenna.getByRole('button', { name: 'Mijn begeleiderslink tonen' }).click();
  const ownUrl = await fenna.getByRole('textbox', { name: /Jouw begeleiderslink/ }).inputValue();
  assert.match(ownUrl, /\/t\/[^/#]+#token=/, 'the facilitator can still get their own team link, on asking');
  assert.equal(new URL(ownUrl).pathname, new URL(teamUrl).pathname);
  assert.notEqual(ownUrl, memberUrl);
  await fenna.getByText('Nog geen bijeenkomsten.').first().waitFor();

  // Meeting 1: the virtue exercise; a table and a debrief answer.
  const anna = await meeting(browser, fenna, teamUrl, 'Bijeenkomst 1: deugden', 'Anna');
  await agenda(fenna, ['Deugdenoefening'], 0, 'Deugden noemen in tweetallen');
  await goToStep(fenna, 'Te weinig en te veel invullen');
  for (const [row, little, virtue, much] of [[1, 'Afstandelijk', 'Betrokkenheid', 'Overnemen'], [2, 'Vluchtig', 'Geduld', 'Traag']]) {
    await fenna.getByRole('button', { name: 'Deugd toevoegen' }).click();
    await cell(fenna, 'Deugd', row).fill(virtue);
    await cell(fenna, 'Te weinig', row).fill(little);
    await cell(fenna, 'Te veel', row).fill(much);
  }
  await eventually('Anna sees the table', async () => (await cell(anna.page, 'Te veel', 2).inputValue()) === 'Traag');
  await goToStep(fenna, 'Nabespreken');
  await everyone([anna], 'the debrief', (page) => stepHeading(page, 'Nabespreken').isVisible());
  const yielded = (page) => page.getByRole('region', { name: 'Wat heeft deze oefening opgeleverd?' });
  await yielded(anna.page).getByRole('button', { name: 'Antwoord toevoegen' }).click();
  await focused(anna.page, /van Anna/);
  await anna.page.keyboard.type('We weten wat we van elkaar mogen verwachten.');
  await eventually("Fenna sees Anna's answer", async () =>
    (await yielded(fenna).getByRole('textbox', { name: /van Anna/ }).inputValue()).endsWith('verwachten.'));

  // Meeting 2: a case consultation; Bram brings the case, the lesson is written down.
  const bram = await meeting(browser, fenna, teamUrl, 'Bijeenkomst 2: casus', 'Bram');
  await agenda(fenna, [], 1, 'Inbreng');
  await fenna.getByRole('combobox', { name: 'Inbrenger' }).selectOption({ label: 'Bram' });
  await fenna.getByRole('button', { name: 'Inbrenger aanwijzen' }).click();
  await bram.page.getByText('Inbrenger: Bram').waitFor();
  await typeInto(bram.page, 'Titel van de casus (zonder namen)', 'De voordeur blijft dicht');
  await typeInto(bram.page, 'Leervraag', 'Hoe sluit ik aan bij wat meneer zelf wil?');
  await goToStep(fenna, 'Fase 4: leren');
  await stepHeading(bram.page, 'Fase 4: leren').waitFor();
  await bram.page.getByRole('button', { name: 'Les toevoegen' }).click();
  await focused(bram.page, /^Lessen op metaniveau – van Bram$/);
  const lesson = 'Nabijheid gaat soms via een ander.';
  await bram.page.keyboard.type(lesson);
  await eventually("Fenna sees Bram's lesson", async () =>
    (await fenna.getByRole('textbox', { name: /^Lessen op metaniveau – van Bram$/ }).inputValue()) === lesson);

  // Back on the team page: the compass, both meetings and the case.
  await fenna.goto(teamUrl);
  await fenna.getByRole('heading', { level: 1, name: 'Wijkteam Noord' }).waitFor();
  const compass = section(fenna, 'Deugdenkompas');
  await compass.getByRole('columnheader', { name: 'Te weinig' }).waitFor();
  assert.equal(await compass.getByRole('rowheader', { name: 'Betrokkenheid' }).count(), 1);
  assert.deepEqual(await compass.getByRole('row').nth(2).getByRole('cell').allTextContents(), ['Vluchtig', 'Traag']);
  const history = section(fenna, 'Bijeenkomsten');
  await history.getByRole('link', { name: 'Bijeenkomst 1: deugden' }).waitFor();
  await history.getByRole('link', { name: 'Bijeenkomst 2: casus' }).waitFor();
  assert.match(await history.getByRole('listitem').first().textContent(), /\d{1,2} [a-z]+ \d{4} · Bijeenkomst 1: deugden · 2 aanwezig/);
  assert.match(await history.getByRole('listitem').first().textContent(), /Deugdenoefening/);
  const cases = section(fenna, 'Casussen');
  await cases.getByRole('heading', { level: 3, name: 'De voordeur blijft dicht' }).waitFor();
  await cases.getByText('Hoe sluit ik aan bij wat meneer zelf wil?').waitFor();
  const pack = section(fenna, 'Teamreflectie');
  await pack.getByText('We weten wat we van elkaar mogen verwachten.').waitFor();

  // A lesson becomes a development point, and one is added by hand.
  await cases.getByRole('button', { name: `Maak er een ontwikkelpunt van: ${lesson}` }).click();
  await fenna.getByRole('status').filter({ hasText: 'Het ontwikkelpunt is toegevoegd.' }).waitFor();
  const fromLesson = fenna.getByRole('form', { name: `Ontwikkelpunt: ${lesson}` });
  await fromLesson.getByText('Komt uit een les van een casusbespreking: Bijeenkomst 2: casus').waitFor();
  // So does a debrief answer, listed under its meeting.
  const answer = 'We weten wat we van elkaar mogen verwachten.';
  await history.getByRole('button', { name: `Maak er een ontwikkelpunt van: ${answer}` }).click();
  const fromDebrief = fenna.getByRole('form', { name: `Ontwikkelpunt: ${answer}` });
  await fromDebrief.getByText('Komt uit een nabespreking: Bijeenkomst 1: deugden').waitFor();
  await history.getByText('Staat bij de ontwikkelpunten.').waitFor();
  const points = section(fenna, 'Ontwikkelpunten');
  const newPoint = points.getByRole('form', { name: 'Nieuw ontwikkelpunt' });
  await newPoint.getByRole('textbox', { name: 'Ontwikkelpunt' }).fill('Elke week een kwartier casuïstiek');
  await newPoint.getByRole('textbox', { name: 'Wanneer is het gelukt?' }).fill('Na drie maanden elke week gedaan');
  await newPoint.getByRole('button', { name: 'Ontwikkelpunt toevoegen' }).click();
  const weekly = fenna.getByRole('form', { name: 'Ontwikkelpunt: Elke week een kwartier casuïstiek' });
  await weekly.waitFor();
  assert.equal(await newPoint.getByRole('textbox', { name: 'Ontwikkelpunt' }).inputValue(), '', 'the form is empty again');

  // Its status: niet gelukt, with what stood in the way and what is needed.
  assert.deepEqual(await weekly.getByRole('combobox', { name: 'Hoe staat het ervoor?' }).locator('option').allTextContents(),
    ['open', 'bezig', 'gelukt', 'niet gelukt']);
  assert.equal(await weekly.getByRole('textbox', { name: 'Wat stond in de weg?' }).count(), 0, 'only asked when not achieved');
  await weekly.getByRole('combobox', { name: 'Hoe staat het ervoor?' }).selectOption({ label: 'niet gelukt' });
  await weekly.getByRole('textbox', { name: 'Wat stond in de weg?' }).fill('De roosters lieten geen overlap');
  await weekly.getByRole('textbox', { name: 'Wat is er nodig?' }).fill('Een vast half uur in het rooster');
  await weekly.getByRole('button', { name: 'Opslaan' }).click();
  await fenna.getByRole('status').filter({ hasText: 'Opgeslagen.' }).waitFor();
  await pack.getByText('Elke week een kwartier casuïstiek (nog niet gelukt; nodig: Een vast half uur in het rooster)').waitFor();

  // The draft pack: the three questions, the period, the meetings; downloads locked.
  for (const question of ['Wat doen we goed?', 'Wat kan beter?', 'Waar zijn we trots op?']) {
    await pack.getByRole('heading', { level: 3, name: question }).waitFor();
  }
  await pack.getByText(/^Periode: .+ tot en met .+\.$/).waitFor();
  await pack.getByText('Over 2 bijeenkomsten:').waitFor();
  await pack.getByText('De teamreflectie is nog niet goedgekeurd.').waitFor();
  const zip = pack.getByRole('button', { name: 'Alles in één zip-bestand' });
  for (const name of ['PDF downloaden', 'Word-document downloaden', 'Markdown downloaden', 'CSV downloaden', 'JSON downloaden']) {
    assert.equal(await pack.getByRole('button', { name }).isDisabled(), true, `${name} waits for approval`);
  }
  assert.equal(await zip.isDisabled(), true);
  await pack.getByText('Downloaden kan zodra de begeleider de teamreflectie heeft goedgekeurd.').waitFor();
  await shoot(fenna, 'team-facilitator-desktop-draft');

  // A member opens the team link: sees the page and the points, cannot approve; a point
  // with personal data is refused in Dutch.
  const member = await newPerson(browser, phone);
  member.name = 'Anna (teamlid)';
  await member.page.goto(memberUrl);
  await member.page.getByRole('heading', { level: 1, name: 'Wijkteam Noord' }).waitFor();
  await member.page.getByText('Teamlid', { exact: true }).waitFor();
  await member.page.getByRole('form', { name: 'Ontwikkelpunt: Elke week een kwartier casuïstiek' }).waitFor();
  assert.equal(await member.page.getByRole('button', { name: 'Goedkeuren' }).count(), 0, 'members do not approve');
  assert.equal(await member.page.getByRole('button', { name: 'Verwijderen' }).count(), 0, 'members do not remove points');
  assert.equal(await member.page.getByRole('textbox', { name: 'Teamlink' }).count(), 0, 'members do not hand out the link');
  const memberNew = member.page.getByRole('form', { name: 'Nieuw ontwikkelpunt' });
  await memberNew.getByRole('textbox', { name: 'Ontwikkelpunt' }).fill('Bel mevrouw terug op 06-12345678');
  await memberNew.getByRole('button', { name: 'Ontwikkelpunt toevoegen' }).click();
  await member.page.getByRole('alert').filter({ hasText: 'telefoonnummer' }).waitFor();
  await shoot(member.page, 'team-member-phone');
  await member.page.getByRole('heading', { name: 'Ontwikkelpunten' }).scrollIntoViewIfNeeded();
  await member.page.screenshot({ path: joinPath(shots, 'team-member-phone-viewport.png') });
  // In English the page and the server's refusal follow the language.
  await member.page.getByRole('button', { name: 'English' }).click();
  await member.page.getByRole('heading', { level: 2, name: 'Development points' }).waitFor();
  await member.page.getByRole('form', { name: 'New development point' })
    .getByRole('button', { name: 'Add the development point' }).click();
  await member.page.getByRole('alert').filter({ hasText: 'phone number' }).waitFor();

  // The facilitator approves; the downloads open and the zip holds every format.
  await pack.getByRole('button', { name: 'Goedkeuren' }).click();
  await pack.getByText(/^Goedgekeurd op \d{1,2} [a-z]+ \d{4}\.$/).waitFor();
  await eventually('downloads open', async () => !(await zip.isDisabled()));
  await pack.getByRole('button', { name: 'Goedkeuring intrekken' }).waitFor();
  await shoot(fenna, 'team-facilitator-desktop-approved');
  const [download] = await Promise.all([fenna.waitForEvent('download'), zip.click()]);
  assert.match(download.suggestedFilename(), /\.zip$/, `a zip: ${download.suggestedFilename()}`);
  const saved = joinPath(mkdtempSync(joinPath(tmpdir(), 'leerkring-pack-')), download.suggestedFilename());
  await download.saveAs(saved);
  const listing = execFileSync('unzip', ['-l', saved], { encoding: 'utf8' });
  for (const extension of ['pdf', 'docx', 'md', 'json', 'csv']) {
    assert.match(listing, new RegExp(`\\.${extension}\\s*$`, 'm'), `the zip holds a .${extension}:\n${listing}`);
  }
  await fenna.getByRole('status').filter({ hasText: 'Het bestand is gedownload.' }).waitFor();
  assert.ok(!download.url().includes('token'), 'the token never goes in an address');

  // The draft moves on after the approval: the page says the downloads stay as approved.
  await newPoint.getByRole('textbox', { name: 'Ontwikkelpunt' }).fill('Terugkomen op de voordeur-casus');
  await newPoint.getByRole('button', { name: 'Ontwikkelpunt toevoegen' }).click();
  await pack.getByText(/^Het concept is veranderd sinds de goedkeuring\. Downloads geven de goedgekeurde versie/).waitFor();
  await pack.getByRole('button', { name: 'Opnieuw goedkeuren' }).waitFor();

  // The phone view of the facilitator's page, approved.
  await fenna.setViewportSize(phone.viewport);
  await shoot(fenna, 'team-facilitator-phone-approved');
  await pack.getByRole('heading', { name: 'Goedkeuring' }).scrollIntoViewIfNeeded();
  await fenna.screenshot({ path: joinPath(shots, 'team-facilitator-phone-approval.png') });

  for (const person of [facilitator, anna, bram, member]) {
    assert.deepEqual(person.problems.filter((p) => !/WebSocket|Failed to load resource/.test(p)), [], `${person.name}'s console`);
  }
});
