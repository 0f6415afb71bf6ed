// The privacy page in a real browser: reached from the start page and from the footer of
// every screen, in Dutch and, after the language switch, in English, on a desktop and a
// 360 px phone; and the browser asks no host but Leerkring's own for anything.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServerAndBrowser, newPerson, eventually, screenshot, startMeeting } from './harness.mjs';

const shared = sharedServerAndBrowser();

const dutchSections = [
  'Wat Leerkring bewaart',
  'Waar het staat',
  'Wie het kan zien',
  'Hoe lang het bewaard blijft',
  'Zelf verwijderen',
  'Niets naar anderen',
  'Schrijf over cliënten zonder herkenbare details',
  'Vragen',
];
const englishSections = [
  'What Leerkring keeps',
  'Where it is kept',
  'Who can see it',
  'How long it is kept',
  'Deleting it yourself',
  'Nothing goes to others',
  'Write about clients without recognisable details',
  'Questions',
];

/** Every URL the person's browser asks for (pages, files, fetches, WebSockets). */
function recordRequests(person) {
  const urls = [];
  person.context.on('request', (request) => urls.push(request.url()));
  person.page.on('websocket', (socket) => urls.push(socket.url()));
  return urls;
}

/** The URLs among `urls` that go to any host but the server's. */
function foreign(urls, serverUrl) {
  const own = new URL(serverUrl).host;
  return urls.filter((url) => {
    const parsed = new URL(url);
    return !['data:', 'blob:'].includes(parsed.protocol) && parsed.host !== own;
  });
}

const sectionHeadings = (page) => page.getByRole('heading', { level: 2 }).allTextContents();
const footerLink = (page) => page.getByRole('contentinfo').getByRole('link', { name: 'Privacy', exact: true });

test('the privacy page: from the start page, in Dutch and English, desktop and phone, nothing from elsewhere', async () => {
  const { server, browser } = shared;
  const reader = await newPerson(browser);
  const requests = recordRequests(reader);

  // From the start page's privacy note to the page.
  await reader.page.goto(server.url);
  await reader.page.getByRole('link', { name: 'Zo gaat Leerkring om met gegevens' }).click();
  await reader.page.getByRole('heading', { level: 1, name: 'Privacy' }).waitFor();
  assert.equal(new URL(reader.page.url()).pathname, '/privacy');
  assert.deepEqual(await sectionHeadings(reader.page), dutchSections);
  assert.equal(await reader.page.evaluate(() => document.documentElement.lang), 'nl');
  assert.equal(await reader.page.title(), 'Privacy · Leerkring');
  assert.ok(await reader.page.getByText('na de bewaartermijn die je organisatie heeft ingesteld (standaard 365 dagen)').isVisible());
  assert.equal(await footerLink(reader.page).getAttribute('aria-current'), 'page', 'the footer says this is the page it links to');
  await screenshot(reader.page, 'privacy-nl-desktop');

  // The language switch turns the whole page into English, and back.
  await reader.page.getByRole('button', { name: 'English' }).click();
  await eventually('the page is in English', async () =>
    JSON.stringify(await sectionHeadings(reader.page)) === JSON.stringify(englishSections));
  assert.equal(await reader.page.evaluate(() => document.documentElement.lang), 'en');
  assert.ok(await reader.page.getByText('after the retention period your organisation has set').isVisible());
  await screenshot(reader.page, 'privacy-en-desktop');
  await reader.page.getByRole('button', { name: 'Nederlands' }).click();
  await eventually('the page is in Dutch again', async () =>
    JSON.stringify(await sectionHeadings(reader.page)) === JSON.stringify(dutchSections));

  // On a 360 px phone, opened by its address, in both languages: nothing wider than the screen.
  const phone = await newPerson(browser, { viewport: { width: 360, height: 740 } });
  const phoneRequests = recordRequests(phone);
  await phone.page.goto(`${server.url}/privacy`);
  await phone.page.getByRole('heading', { level: 1, name: 'Privacy' }).waitFor();
  assert.deepEqual(await sectionHeadings(phone.page), dutchSections);
  assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling');
  await screenshot(phone.page, 'privacy-nl-phone-360');
  await phone.page.getByRole('button', { name: 'English' }).click();
  await eventually('the phone shows English', async () =>
    JSON.stringify(await sectionHeadings(phone.page)) === JSON.stringify(englishSections));
  assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling in English');
  await screenshot(phone.page, 'privacy-en-phone-360');

  assert.deepEqual(foreign(requests, server.url), [], 'requests to other hosts (desktop)');
  assert.deepEqual(foreign(phoneRequests, server.url), [], 'requests to other hosts (phone)');
  assert.ok(requests.length > 0 && phoneRequests.length > 0, 'the requests were recorded');
  assert.deepEqual([...reader.problems, ...phone.problems], [], 'console errors');
  await reader.context.close();
  await phone.context.close();
});

test('every screen links to the privacy page in its footer', async () => {
  const { server, browser } = shared;
  const facilitator = await newPerson(browser);
  const requests = recordRequests(facilitator);

  await facilitator.page.goto(server.url);
  // The app draws the page once its code has loaded; a person waits for it too.
  await footerLink(facilitator.page).waitFor();
  assert.ok(await footerLink(facilitator.page).isVisible(), 'the start page');
  assert.equal(await footerLink(facilitator.page).getAttribute('aria-current'), null);
  await screenshot(facilitator.page, 'privacy-links-start');

  // The join form of a new meeting, then the board itself.
  await startMeeting(facilitator.page, server.url, 'Leerkring wijkteam Noord');
  assert.ok(await footerLink(facilitator.page).isVisible(), 'the join form');
  await facilitator.page.getByRole('textbox', { name: 'Je naam' }).fill('Fenna');
  await facilitator.page.getByRole('button', { name: 'Meedoen' }).click();
  await facilitator.page.getByRole('heading', { name: 'Aanwezig' }).waitFor();
  assert.ok(await footerLink(facilitator.page).isVisible(), 'the board');

  // A link that opens nothing still offers the page.
  await facilitator.page.goto(`${server.url}/b/AAAAAAAAAAAAAAAAAAAAAA#token=${'x'.repeat(43)}`);
  await facilitator.page.getByRole('heading', { name: 'Deze link werkt niet' }).waitFor();
  await footerLink(facilitator.page).click();
  await facilitator.page.getByRole('heading', { level: 1, name: 'Privacy' }).waitFor();

  assert.deepEqual(foreign(requests, server.url), [], 'requests to other hosts');
  await facilitator.context.close();
});
