// The case consultation (omgangsoverleg) in a real browser, with a facilitator and three
// participants (one on a phone): the agenda holds two cases (90 minutes), the facilitator
// names the contributor, who writes the intake while the privacy guard catches a BSN; the
// group records the virtues at stake; then the four phases, each on the timer with its
// guiding questions and workspace, and the closing reflection with the follow-up date.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sharedServerAndBrowser, newPerson, eventually, everyone, stepHeading, screenshot, join, joinAll, startMeeting,
  goToStep, focused,
} from './harness.mjs';

const shared = sharedServerAndBrowser();
const phone = { viewport: { width: 390, height: 844 } };
const cell = (page, column, row) => page.getByRole('textbox', { name: `${column}, rij ${row}` });
const field = (page, name) => page.getByRole('textbox', { name, exact: true });
const group = (page, name) => page.getByRole('group', { name });

/** Types into a field once it has focus, as a person waits for the cursor. */
async function typeInto(page, name, text) {
  await field(page, name).click();
  await focused(page, name);
  await page.keyboard.type(text);
}

/** Adds a note to the list `add` belongs to and writes `text` in it. */
async function addNote(person, add, label, text) {
  await person.page.getByRole('button', { name: add }).click();
  const name = new RegExp(`^${label} – van ${person.name}$`);
  await focused(person.page, name);
  await person.page.keyboard.type(text);
}

/** Everyone sees a field holding `text`. */
async function everyoneReads(people, name, text) {
  await everyone(people, `${name} reads ${text}`, async (page) =>
    (await page.getByRole('textbox', { name }).first().inputValue()).includes(text));
}

test('a case consultation: intake with the privacy guard, four phases on the timer, reflection', async () => {
  const { server, browser } = shared;
  const facilitator = await newPerson(browser);
  facilitator.name = 'Fenna';
  await startMeeting(facilitator.page, server.url, 'Leerkring Noord, bijeenkomst 4');
  await join(facilitator.page, facilitator.page.url(), 'Fenna');
  const link = await facilitator.page.getByRole('textbox', { name: 'Link voor deelnemers' }).inputValue();
  const participants = await joinAll(browser, link, [['Anna'], ['Bram', phone], ['Cor']]);
  const [anna, bram, cor] = participants;
  const all = [facilitator, ...participants];
  const fenna = facilitator.page;

  // The agenda: the virtue exercise, then two cases of 45 minutes each.
  await fenna.getByText('Hele programma').click();
  await fenna.getByRole('checkbox', { name: 'Deugdenoefening' }).check();
  await fenna.getByRole('checkbox', { name: 'Deugdenkaarten in drie ronden' }).uncheck();
  await fenna.getByRole('checkbox', { name: 'Evaluatie' }).uncheck();
  await fenna.getByRole('combobox', { name: /Aantal casussen/ }).selectOption('2');
  await fenna.getByRole('button', { name: 'Programma instellen' }).click();
  await everyone(all, 'two cases on the agenda', async (page) =>
    (await page.locator('.whole-agenda strong', { hasText: 'Omgangsoverleg' }).count()) === 2);
  const caseMinutes = await fenna.locator('.whole-agenda > ol > li').nth(1).locator('li').allTextContents();
  const minutes = caseMinutes.reduce((sum, line) => sum + Number(/\((\d+) min\)/.exec(line)[1]), 0);
  assert.equal(minutes, 45, 'a case takes 45 minutes, two fit in 90');

  // The team's virtue table, to choose the virtues at stake from.
  await goToStep(fenna, 'Te weinig en te veel invullen');
  for (const [row, virtue] of [[1, 'Betrokkenheid'], [2, 'Respect']]) {
    await fenna.getByRole('button', { name: 'Deugd toevoegen' }).click();
    await cell(fenna, 'Deugd', row).fill(virtue);
  }

  // Intake of the first case: the facilitator names Anna as the contributor.
  await fenna.getByRole('button', { name: 'Inbreng', exact: true }).first().click();
  await everyone(all, 'the intake', (page) => stepHeading(page, 'Inbreng').isVisible());
  await everyone(participants, 'waiting for the contributor', (page) =>
    page.getByText('De begeleider wijst de inbrenger aan.').isVisible());
  await fenna.getByRole('combobox', { name: 'Inbrenger' }).selectOption({ label: 'Anna' });
  await fenna.getByRole('button', { name: 'Inbrenger aanwijzen' }).click();
  await everyone(all, 'Anna brings the case', (page) => page.getByText('Inbrenger: Anna').isVisible());
  await fenna.getByRole('button', { name: 'Timer starten (5 min)' }).click();
  await everyone(all, 'the intake on the timer', async (page) =>
    /^0[45]:[0-5]\d/.test(await page.getByRole('timer').textContent()));

  // Only the contributor writes the intake; the others read along.
  const title = 'Titel van de casus (zonder namen)';
  assert.equal(await field(bram.page, title).isEditable(), false, 'Bram cannot write the title');
  assert.equal(await field(anna.page, title).isEditable(), true, 'Anna can');
  await typeInto(anna.page, title, 'De voordeur blijft dicht');
  await typeInto(anna.page, 'Wat speelt er?', 'Meneer (BSN 111222333) wil geen hulp meer sinds zijn vrouw is overleden.');

  // The privacy guard catches the BSN; one click puts a placeholder in its place.
  const warning = (page) => page.getByText('‘111222333’ lijkt op een BSN.');
  await everyone(all, 'a warning about the BSN', (page) => warning(page).isVisible());
  assert.equal(await bram.page.getByRole('button', { name: '‘111222333’ vervangen door [BSN]' }).count(), 0,
    'who cannot edit the field is only warned');
  await screenshot(anna.page, 'case-privacy-guard');
  await anna.page.getByRole('button', { name: '‘111222333’ vervangen door [BSN]' }).click();
  await everyoneReads(all, 'Wat speelt er?', 'Meneer (BSN [BSN]) wil geen hulp');
  await everyone(all, 'the warning gone', async (page) => !(await warning(page).isVisible()));
  await typeInto(anna.page, 'Leervraag', 'Hoe sluit ik aan bij wat meneer zelf wil?');

  // The virtues at stake: chosen from the table, or added.
  await group(anna.page, 'Volgens de inbrenger').getByRole('button', { name: 'Betrokkenheid toevoegen' }).click();
  const others = group(cor.page, 'Volgens de anderen');
  await others.getByRole('textbox', { name: 'Andere deugd' }).fill('Geduld');
  await others.getByRole('button', { name: 'Toevoegen', exact: true }).click();
  await group(bram.page, 'Volgens de anderen').getByRole('button', { name: 'Respect toevoegen' }).click();
  await everyone(all, 'the virtues at stake', async (page) =>
    (await group(page, 'Volgens de inbrenger').getByRole('listitem').allTextContents()).join() === 'Betrokkenheid✕'
    && (await group(page, 'Volgens de anderen').getByRole('listitem').allTextContents()).join() === 'Geduld✕,Respect✕');
  await everyoneReads(all, title, 'De voordeur blijft dicht');
  await screenshot(anna.page, 'case-intake');
  await screenshot(bram.page, 'case-intake-phone');

  const phase = async (heading, minutes, shot) => {
    await fenna.getByRole('button', { name: 'Volgende stap' }).click();
    await everyone(all, heading, (page) => stepHeading(page, heading).isVisible());
    await fenna.getByRole('button', { name: `Timer starten (${minutes} min)` }).click();
    await everyone(all, `${heading} on the timer`, async (page) => {
      const [, left] = /^(\d+):[0-5]\d/.exec(await page.getByRole('timer').textContent()) ?? [];
      return left !== undefined && Number(left) < minutes + 1;
    });
    await everyone(all, 'the case in view', (page) => page.locator('.case-title', { hasText: 'De voordeur blijft dicht' }).isVisible());
    return async () => {
      await screenshot(anna.page, `case-${shot}`);
      await screenshot(bram.page, `case-${shot}-phone`);
    };
  };

  // Phase 1: observation apart from interpretation, and the relationship.
  let shoot = await phase('Fase 1: verkennen', 10, 'explore');
  await everyone(all, 'the guiding question', (page) =>
    page.getByText('Wat is daarvan waarneming en wat daarvan interpretatie?').isVisible());
  await addNote(anna, 'Waarneming toevoegen', 'Waarneming: wat is er gezien en gehoord\\?', 'Hij doet de deur niet open als ik aanbel.');
  await addNote(bram, 'Interpretatie toevoegen', 'Interpretatie: wat is ervan gemaakt\\?', 'Hij vertrouwt ons niet meer.');
  const relationship = 'Wat is gaande in de relatie tussen hulpverlener en cliënt?';
  await typeInto(cor.page, relationship, 'Hij belt wel zelf naar het team op 020-1234567, op zijn eigen moment.');
  // The team's own number is not a client's: Cor clears it, for everyone.
  await everyone(all, 'the number flagged', (page) => page.getByText('‘020-1234567’ lijkt op een telefoonnummer.').isVisible());
  await cor.page.getByRole('button', { name: '‘020-1234567’ is geen persoonsgegeven' }).click();
  await everyone(all, 'the number cleared', async (page) =>
    !(await page.getByText('‘020-1234567’ lijkt op een telefoonnummer.').isVisible()));
  await everyone(all, 'both columns', async (page) =>
    (await page.getByRole('textbox', { name: /^Waarneming.* – van Anna$/ }).inputValue()).startsWith('Hij doet de deur')
    && (await page.getByRole('textbox', { name: /^Interpretatie.* – van Bram$/ }).inputValue()).startsWith('Hij vertrouwt'));
  await everyoneReads(all, relationship, 'op zijn eigen moment');
  await shoot();

  // Phase 2: options, each seen from the client's perspective.
  shoot = await phase('Fase 2: onderzoeken', 10, 'investigate');
  await addNote(bram, 'Optie toevoegen', 'Opties', 'Samen met de buurvrouw langsgaan.');
  await typeInto(bram.page, /^Zo ziet de cliënt het – van Bram$/, 'Een bekend gezicht voelt veiliger dan een nieuwe hulpverlener.');
  await everyoneReads(all, /^Zo ziet de cliënt het – van Bram$/, 'bekend gezicht');
  await everyoneReads(all, /^Opties – van Bram$/, 'buurvrouw');
  await shoot();

  // Phase 3: the first impulse, the decision, and why they differ.
  shoot = await phase('Fase 3: besluiten', 10, 'decide');
  await typeInto(anna.page, 'De eerste impuls: wat wilde je eerst doen?', 'De zaak overdragen aan een collega.');
  await typeInto(cor.page, 'Het besluit: wat gaan we doen?', 'Anna gaat volgende week met de buurvrouw langs.');
  await typeInto(anna.page, 'Hoe verschilt het besluit van de eerste impuls, en waarom deze keuze?', 'We blijven, maar sluiten aan bij wie hij vertrouwt.');
  await everyoneReads(all, 'Het besluit: wat gaan we doen?', 'met de buurvrouw langs');
  await shoot();

  // Phase 4: lessons at meta level, and a deviation justified.
  shoot = await phase('Fase 4: leren', 5, 'learn');
  await addNote(cor, 'Les toevoegen', 'Lessen op metaniveau', 'Nabijheid gaat soms via een ander.');
  await typeInto(anna.page, 'Wijken we af van afspraken of protocollen? Waarvan?', 'Ja: we gaan zonder afspraak langs.');
  await typeInto(fenna, 'Hoe verantwoorden we die afwijking?', 'Het contact herstellen weegt nu zwaarder.');
  await everyoneReads(all, /^Lessen op metaniveau – van Cor$/, 'Nabijheid');
  await everyoneReads(all, 'Hoe verantwoorden we die afwijking?', 'zwaarder');
  await shoot();

  // The closing reflection, and when we come back to the case.
  shoot = await phase('Terugblik', 5, 'reflect');
  const reflection = [
    [anna, 'Waarnemen: hebben we scherp en onbevangen waargenomen?', 'We scheidden zien en denken.'],
    [bram, 'Begrijpen en beoordelen: hebben we begrepen en gewogen wat we zagen?', 'Ja, zijn rouw kwam in beeld.'],
    [cor, 'Doen: is ons antwoord afgestemd en praktisch?', 'Klein beginnen, via de buurvrouw.'],
    [anna, 'Verantwoorden: kunnen we zeggen wat er goed is aan wat we doen?', 'We blijven betrokken zonder over te nemen.'],
  ];
  for (const [person, name, text] of reflection) await typeInto(person.page, name, text);
  for (const [, name, text] of reflection) await everyoneReads(all, name, text);
  assert.equal(await bram.page.getByRole('button', { name: 'Vastleggen' }).count(), 0, 'only the contributor and the facilitator set the follow-up');
  await anna.page.getByLabel('Op datum').fill('2027-01-12');
  await anna.page.getByRole('button', { name: 'Vastleggen' }).click();
  await everyone(all, 'the follow-up date', (page) =>
    page.getByText('We komen op deze casus terug op 12 januari 2027.').isVisible());
  await shoot();

  // The second case starts empty, with a contributor of its own.
  await fenna.getByRole('button', { name: 'Volgende stap' }).click();
  await everyone(all, 'the second intake', (page) => stepHeading(page, 'Inbreng').isVisible());
  await everyone(participants, 'no contributor yet', (page) => page.getByText('De begeleider wijst de inbrenger aan.').isVisible());

  for (const person of all) {
    assert.deepEqual(person.problems.filter((p) => !/WebSocket|Failed to load resource/.test(p)), [], `${person.name}'s console`);
  }
});

test('a screen module that cannot be fetched says so and loads on a retry', async () => {
  const { server, browser } = shared;
  // Without the service worker, whose precache would otherwise serve the module.
  const context = await browser.newContext({ serviceWorkers: 'block', locale: 'nl-NL' });
  const page = await context.newPage();
  const facilitator = { context, page, problems: [] };
  page.on('pageerror', (error) => facilitator.problems.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') facilitator.problems.push(message.text());
  });
  await startMeeting(page, server.url, 'Leerkring Noord, bijeenkomst 5');
  await join(page, page.url(), 'Fenna');
  // The network drops every fetch of the case consultation's module.
  const blocked = (url) => /\/assets\/split_case-[0-9a-f]+\.wasm$/.test(url.pathname);
  await facilitator.context.route(blocked, (route) => route.abort());
  await goToStep(page, 'Inbreng');
  const alert = page.getByRole('alert').filter({ hasText: 'Dit onderdeel kon niet worden geladen.' });
  await alert.waitFor();
  await facilitator.context.unroute(blocked);
  await alert.getByRole('button', { name: 'Opnieuw proberen' }).click();
  await page.getByText('De begeleider wijst de inbrenger aan.').or(page.getByRole('combobox', { name: 'Inbrenger' })).first().waitFor();
  assert.equal(await page.getByRole('heading', { name: 'De casus' }).count(), 1, 'the case consultation shows');
  assert.deepEqual(facilitator.problems.filter((p) => !/WebSocket|Failed to load resource|Failed to fetch/.test(p)), [],
    'no panic, only the failed fetch');
});
