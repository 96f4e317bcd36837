// duress serve in Debian's chromium, headless and offline (issue 11): a
// coordinator logs in, screens a person through the pages (the questions
// also shown in Spanish for the person beside), sees the verdicts and the
// reasons, finds the case in the list, switches the page to Spanish, and
// deletes it; then the same with JavaScript turned off, and a worker's
// first login (they must choose their own password).  Every page is
// checked for console errors, for requests that leave the server, and for
// content wider than a small screen.  Screenshots for people to look at:
// BUILD_DIR/browser-artifacts/serve-*.png.
//
// usage: node serve.test.mjs DURESS_PROGRAM SOURCE_DIR BUILD_DIR
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { check, launch, watchedPage } from './lib.mjs';

const [duress, src, build] = process.argv.slice(2).map(p => resolve(p));
const art = join(build, 'browser-artifacts');
mkdirSync(art, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'duress-serve-browser-'));
const data = join(work, 'store');
const COORD = 'ana', COORD_PW = 'a long coordinator passphrase';
const WORKER = 'bea', WORKER_FIRST = 'first passphrase from ana', WORKER_PW = 'bea chooses her own words';
// Small Argon2id limits: the browser test is about pages, not key strength.
const weak = ['--argon2-ops', '1', '--argon2-mib', '8'];
const run = (args, input) => execFileSync(duress, args, { input, stdio: ['pipe', 'pipe', 'pipe'] });

run(['serve', '--init', '--data', data, '--user', COORD, ...weak], COORD_PW + '\n');
run(['serve', '--add-user', WORKER, '--role', 'worker', '--user', COORD, '--data', data, ...weak],
    `${COORD_PW}\n${WORKER_FIRST}\n`);

// The server, on a free port; its first line says where.
const server = spawn(duress, ['serve', '--data', data, '--listen', '127.0.0.1:0'],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
// however this script ends, the server it started ends with it
process.on('exit', () => { if (server.exitCode === null) server.kill('SIGKILL'); });
const base = await new Promise((ok, fail) => {
  let out = '';
  server.stdout.on('data', d => {
    out += d;
    const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
    if (m) ok(`http://127.0.0.1:${m[1]}`);
  });
  server.on('exit', c => fail(new Error(`duress serve exited with ${c}`)));
  setTimeout(() => fail(new Error('duress serve did not say where it listens')), 20000);
});

const { browser, close } = await launch();
let shot = 0;

// Every page: no console error, nothing asked of another host, nothing wider than the screen.
async function page_ok(w, what) {
  const foreign = w.requests.filter(u => !u.startsWith(base) && !u.startsWith('data:'));
  check(foreign.length === 0, `${what}: no request off the server (${foreign.join(' ') || 'none'})`);
  check(w.errors.length === 0, `${what}: no console error (${w.errors.join(' | ') || 'none'})`);
  const over = await w.page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter(e => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && (r.right > vw + 1 || r.left < -1) &&
             getComputedStyle(e).position !== 'absolute';
    }).map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
    return { scroll: document.documentElement.scrollWidth, vw, wide: wide.slice(0, 5) };
  });
  check(over.scroll <= over.vw && over.wide.length === 0,
        `${what}: nothing cut off at ${over.vw}px (${over.wide.join(', ') || 'ok'})`);
}

async function snap(w, name) {
  shot++;
  await w.page.screenshot({ path: join(art, `serve-${String(shot).padStart(2, '0')}-${name}.png`),
                            fullPage: true });
}

async function login(w, user, pw) {
  await w.page.goto(`${base}/`);
  await w.page.fill('#user', user);
  await w.page.fill('#password', pw);
  await Promise.all([w.page.waitForNavigation(), w.page.click('button.primary')]);
}

// Answer the questions shown on the current interview page by their ids.
async function answer(w, answers) {
  for (const [id, value] of Object.entries(answers)) {
    if (id === 'age') await w.page.check(`#q-age-${value}`);
    else if (id === 'sector') await w.page.fill('#q-sector-in', value);
    else await w.page.check(`#q-${id}-${value}`);
  }
}

async function screen_a_case(w, label, js) {
  await w.page.goto(`${base}/cases/new`);
  await page_ok(w, `${js}: new screening`);
  await w.page.fill('#label', label);
  // the person beside reads Spanish: the questions are shown in both languages
  await w.page.selectOption('#plang', 'es');
  await snap(w, `${js}-new`);
  await Promise.all([w.page.waitForNavigation(), w.page.click('form.stack button.primary')]);
  check(/\/interview\/1$/.test(w.page.url()), `${js}: the interview starts on page 1`);
  const both = await w.page.textContent('#q-age legend');
  check(both.includes('¿Qué edad tenía cuando ocurrió esto?') &&
        both.includes('How old were you when this happened?'),
        `${js}: the question in Spanish for the person and in English for the worker`);
  check(await w.page.isVisible('#q-commercial_sex-d') && await w.page.isVisible('#q-commercial_sex-u'),
        `${js}: "I don't know" and "prefer not to say" are there`);
  await answer(w, { age: 'minor', sector: 'market stall', commercial_sex: 'y' });
  await page_ok(w, `${js}: interview page 1`);
  await snap(w, `${js}-interview-1`);
  await Promise.all([w.page.waitForNavigation(), w.page.click('button[value=next]')]);
  await answer(w, { threats_to_person: 'y', threats_to_family: 'u', physical_violence: 'd' });
  await snap(w, `${js}-interview-2`);
  await Promise.all([w.page.waitForNavigation(), w.page.click('button[value=finish]')]);
  check(/\/cases\/[0-9a-z]{10}(\?|#|$)/.test(w.page.url()), `${js}: the result page`);
  const result = await w.page.textContent('main');
  check(result.includes('Indicators found'), `${js}: a verdict is shown (Indicators found)`);
  check(result.includes('What led to this') && result.includes('Answered yes:'),
        `${js}: the reasons are shown`);
  check(result.includes('not a legal finding'), `${js}: it says a screening is not a legal finding`);
  check(result.includes('Next steps') && result.includes('child protection'),
        `${js}: next steps, with the child-protection step for a minor`);
  check(result.includes('What could change it'), `${js}: what unanswered questions could change`);
  await page_ok(w, `${js}: result`);
  await snap(w, `${js}-result`);
  return w.page.url().match(/\/cases\/([0-9a-z]{10})/)[1];
}

async function session(js, viewport) {
  const w = await watchedPage(browser, { javaScriptEnabled: js === 'js', viewport,
                                         locale: 'en-GB' });
  await w.page.goto(`${base}/login`);
  await page_ok(w, `${js}: login page`);
  await snap(w, `${js}-login`);
  await login(w, COORD, COORD_PW);
  check(w.page.url().endsWith('/cases'), `${js}: logged in, on the case list`);
  const id = await screen_a_case(w, `REF-${js}`, js);

  // find it in the list
  await w.page.goto(`${base}/cases`);
  check((await w.page.textContent('#case-list')).includes(`REF-${js}`), `${js}: the case is in the list`);
  if (js === 'js') {
    // filtering without a reload (GET /api/cases): a verdict no case has here hides it
    await w.page.selectOption('#f-verdict', 'not_indicated');
    await w.page.waitForFunction(i => document.querySelector(`li[data-id="${i}"]`).hidden, id);
    check(w.page.url().includes('verdict=not_indicated'), 'js: the filter is in the address');
    await w.page.selectOption('#f-verdict', 'indicated');
    await w.page.waitForFunction(i => !document.querySelector(`li[data-id="${i}"]`).hidden, id);
    check(true, 'js: the list filters as choices change');
  } else {
    await w.page.selectOption('#f-verdict', 'indicated');
    await Promise.all([w.page.waitForNavigation(), w.page.click('#filters button[type=submit]')]);
    check((await w.page.textContent('#case-list')).includes(`REF-${js}`),
          `${js}: found by its result, with the form`);
  }
  await page_ok(w, `${js}: case list`);
  await snap(w, `${js}-list`);

  // switch the pages to Spanish, from any page
  await Promise.all([w.page.waitForNavigation(), w.page.click('form.langs button[value=es]')]);
  check(await w.page.getAttribute('html', 'lang') === 'es', `${js}: the page is in Spanish (lang=es)`);
  check((await w.page.textContent('h1')).includes('Casos'), `${js}: the heading is Spanish`);
  await w.page.goto(`${base}/cases/${id}`);
  const es = await w.page.textContent('main');
  check(es.includes('Se encontraron indicadores') && es.includes('no es una resolución jurídica'),
        `${js}: the result in Spanish`);
  await page_ok(w, `${js}: result in Spanish`);
  await snap(w, `${js}-result-es`);
  await w.page.goto(`${base}/summary`);
  await page_ok(w, `${js}: summary`);
  // the table's caption is one line, as wide as the page allows (on a
  // phone the stacked table once squeezed it to a word a line)
  const cap = await w.page.$eval('table.summary caption', e => {
    const r = e.getBoundingClientRect();
    return { h: r.height, line: parseFloat(getComputedStyle(e).lineHeight) ||
             1.5 * parseFloat(getComputedStyle(e).fontSize) };
  });
  check(cap.h < 2 * cap.line + 12, `${js}: the summary's caption is on one line (${cap.h} px high)`);
  await snap(w, `${js}-summary-es`);
  await Promise.all([w.page.waitForNavigation(), w.page.click('form.langs button[value=en]')]);

  // delete it
  await w.page.goto(`${base}/cases/${id}`);
  if (js === 'js') {
    w.page.once('dialog', d => d.accept());
    await Promise.all([w.page.waitForNavigation(), w.page.click('#delete-link')]);
  } else {
    await Promise.all([w.page.waitForNavigation(), w.page.click('#delete-link')]);
    await page_ok(w, 'nojs: delete confirmation');
    await snap(w, 'nojs-delete');
    await Promise.all([w.page.waitForNavigation(), w.page.click('button.danger')]);
  }
  check(w.page.url().includes('/cases?deleted=1'), `${js}: deleted, back on the list`);
  check(!(await w.page.textContent('#case-list')).includes(`REF-${js}`), `${js}: the case is gone`);
  const gone = await w.page.goto(`${base}/cases/${id}`);
  check(gone.status() === 404, `${js}: the deleted case is not found (404)`);
  await w.context.close();
}

try {
  // an old laptop's screen, with JavaScript; a small phone without it
  await session('js', { width: 1024, height: 600 });
  await session('nojs', { width: 360, height: 740 });

  // a worker's first login: a password of their own first
  const w = await watchedPage(browser, { viewport: { width: 360, height: 740 } });
  await login(w, WORKER, WORKER_FIRST);
  check(w.page.url().endsWith('/account'), 'worker: sent to choose a password first');
  await snap(w, 'worker-account');
  await w.page.fill('#a-current', WORKER_FIRST);
  await w.page.fill('#a-new', WORKER_PW);
  await w.page.fill('#a-again', WORKER_PW);
  await Promise.all([w.page.waitForNavigation(), w.page.click('form.stack button.primary')]);
  check(w.page.url().includes('changed=1'), 'worker: the password was changed');
  await w.page.goto(`${base}/users`);
  check((await w.page.textContent('main')).includes('Only a coordinator'), 'worker: no user management');
  w.errors.length = 0;   // the 403 of that page was the point
  await w.page.goto(`${base}/cases`);
  await page_ok(w, 'worker: case list');
  await w.context.close();

  // the coordinator's pages, in Spanish on the small screen
  const c = await watchedPage(browser, { viewport: { width: 360, height: 740 }, locale: 'es-MX',
                                         acceptDownloads: true });
  await c.page.goto(`${base}/login`);
  check(await c.page.getAttribute('html', 'lang') === 'es', 'the login page follows the browser (es-MX: Spanish)');
  await login(c, COORD, COORD_PW);
  for (const p of ['users', 'audit', 'export', 'account']) {
    await c.page.goto(`${base}/${p}`);
    await page_ok(c, `coordinator: ${p}`);
    await snap(c, `coordinator-${p}`);
  }
  // the summary, downloaded as the coordinator would: the library's document, counts rounded
  await c.page.goto(`${base}/summary`);
  const [dl] = await Promise.all([c.page.waitForEvent('download'),
                                  c.page.click('a[href="/summary.json"]')]);
  const summary = JSON.parse(readFileSync(await dl.path(), 'utf8'));
  check(summary.format === 'duress-screen-summary' && summary.resolution === 10,
        'the summary downloads as a duress-screen-summary, rounded to 10');
  const audit = await c.page.goto(`${base}/audit`);
  check(audit.ok() && !(await c.page.textContent('main')).includes('REF-js'),
        'the audit trail holds no case content');
  await c.context.close();
} catch (e) {
  check(false, `unexpected: ${e.stack || e}`);
} finally {
  await close();
  server.kill('SIGTERM');
  await new Promise(ok => server.once('exit', ok));
  rmSync(work, { recursive: true, force: true });
}
