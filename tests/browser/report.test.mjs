// The report of the UK table in Debian's chromium, headless and offline
// (issue 9): made with the issue's own commands, it opens with no console
// error and asks for nothing but itself; its screenshots are not blank (the
// pixels are read back); print to PDF gives one run of pages per section
// on A4 and on Letter; the DOM holds the estimate and its interval as text,
// the figures those of the manifest and of the published analysis.
// Screenshots for people to look at: BUILD_DIR/browser-artifacts/report-*.png.
//
// usage: node report.test.mjs DURESS_PROGRAM SOURCE_DIR BUILD_DIR
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { CHROMIUM, check, launch, watchedPage } from './lib.mjs';

const [duress, src, build] = process.argv.slice(2).map(p => resolve(p));
const shared = resolve(src, '..', 'shared', 'data');
if (!existsSync(join(shared, 'mse', 'uk.csv'))) {
  if (process.env.DUR_REQUIRE_SHARED) { console.error(`FAIL: ${shared} is missing`); process.exit(1); }
  console.log(`SKIPPED: no reference data at ${shared}`);
  process.exit(77);
}
const art = join(build, 'browser-artifacts');
mkdirSync(art, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'duress-report-'));
const run = (args, cwd = work) => execFileSync(duress, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

// ---- a PNG read back (8-bit RGB or RGBA, not interlaced: what chromium writes)
function pngPixels(buf) {
  let off = 8, width = 0, height = 0, type = 0;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off), kind = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error('not an 8-bit, non-interlaced PNG');
      type = data[9];
    } else if (kind === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const bpp = type === 6 ? 4 : type === 2 ? 3 : 0;
  if (!bpp) throw new Error(`PNG colour type ${type}`);
  const raw = inflateSync(Buffer.concat(idat)), stride = width * bpp;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[y * stride + x - bpp] : 0, b = y ? out[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y ? out[(y - 1) * stride + x - bpp] : 0;
      let p = line[x];
      if (f === 1) p += a;
      else if (f === 2) p += b;
      else if (f === 3) p += (a + b) >> 1;
      else if (f === 4) {
        const q = a + b - c, pa = Math.abs(q - a), pb = Math.abs(q - b), pc = Math.abs(q - c);
        p += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = p & 255;
    }
  }
  return { width, height, bpp, data: out };
}

// Share of pixels that are not white, and whether a colour (within 12 per
// channel, for anti-aliasing) appears.
function inspect(png, colours) {
  let ink = 0;
  const seen = colours.map(() => 0);
  for (let i = 0; i < png.width * png.height; i++) {
    const r = png.data[i * png.bpp], g = png.data[i * png.bpp + 1], b = png.data[i * png.bpp + 2];
    if (r < 245 || g < 245 || b < 245) ink++;
    colours.forEach(([cr, cg, cb], k) => {
      if (Math.abs(r - cr) <= 12 && Math.abs(g - cg) <= 12 && Math.abs(b - cb) <= 12) seen[k]++;
    });
  }
  return { ink: ink / (png.width * png.height), seen };
}

// Pages of a PDF and the size of the first (in points).
function pdfPages(buf) {
  const s = buf.toString('latin1');
  const pages = (s.match(/\/Type\s*\/Page[^s]/g) || []).length;
  const box = s.match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
  return { pages, width: box ? +box[1] : 0, height: box ? +box[2] : 0 };
}

// The figures as a reader reads them, worked out here and not by duress:
// three significant figures, thousands with commas (en-US).
const about = x => (x < 100 ? Math.round(x) : Number(x.toPrecision(3))).toLocaleString('en-US');
const count = x => Math.round(x).toLocaleString('en-US');

try {
  // the two commands
  const t0 = process.hrtime.bigint();
  run(['estimate', join(shared, 'mse', 'uk.csv'), '--manifest', 'm.json']);
  const t1 = process.hrtime.bigint();
  run(['report', 'm.json', '-o', 'uk.html']);
  const t2 = process.hrtime.bigint();
  const html = readFileSync(join(work, 'uk.html'));
  console.log(`estimate ${Number(t1 - t0) / 1e6} ms, report ${Number(t2 - t1) / 1e6} ms, ` +
              `uk.html ${html.length} bytes`);
  const man = JSON.parse(readFileSync(join(work, 'm.json'), 'utf8')), res = man.result;
  // the stepwise estimate of the published analysis: SparseMSE 2.0.1 on UKdat
  // (docs/estimate.md), 11417.9910915
  check(Math.abs(res.estimate / 11417.9910915 - 1) < 1e-6, 'the manifest holds the published estimate');
  const byte2 = (run(['report', 'm.json']));
  check(Buffer.compare(byte2, html) === 0, 'a second report of the same manifest is byte-identical');

  const { browser, close } = await launch();
  try {
    const url = 'file://' + join(work, 'uk.html');
    const { context, page, errors, requests } = await watchedPage(browser, { viewport: { width: 1000, height: 1400 } });
    await page.goto(url, { waitUntil: 'load' });
    check(errors.length === 0, `no console error (${errors.join('; ') || 'none'})`);
    check(requests.length === 1 && requests[0] === url,
          `no request but the page itself (${requests.length}: ${requests.slice(0, 3).join(', ')})`);

    // the DOM: the sentence with the estimate and the interval, and the unrounded
    // figure in the table of methods, all as text
    const headline = await page.textContent('p.headline');
    const want = `About ${about(res.estimate)} people in all (95% interval ${about(res.interval.lower)} ` +
                 `to ${about(res.interval.upper)}): ${count(res.observed)} were on at least one list`;
    check(headline.startsWith(want), `the headline reads "${want}..." (it reads "${headline}")`);
    const methods = await page.textContent('#m1-methods table');
    check(methods.includes(count(res.estimate)) && methods.includes(count(res.interval.lower)) &&
          methods.includes(count(res.interval.upper)), 'the table of methods has the unrounded estimate and interval');
    const svgText = await page.$$eval('svg text', ts => ts.map(t => t.textContent));
    check(svgText.length > 50 && svgText.includes('NCA') && svgText.includes('907'),
          `the plots' labels are text (${svgText.length} texts, the list NCA and the 907 seen by PF only among them)`);
    const figures = await page.$$eval('figure', fs => fs.map(f => ({
      caption: !!f.querySelector('figcaption'), table: !!f.querySelector('table'),
      svg: !!f.querySelector('svg[role=img] title') })));
    check(figures.length >= 4 && figures.every(f => f.caption && f.table && f.svg),
          `every figure (${figures.length}) has an SVG with a title, a caption and a table`);
    const scripts = await page.$$eval('script', s => s.length);
    check(scripts === 0, 'no script element');

    // screenshots: whole page, the top as it first shows, and a phone
    const shot = join(art, 'report-uk.png');
    const full = await page.screenshot({ path: shot, fullPage: true });
    await page.screenshot({ path: join(art, 'report-uk-top.png') });
    const px = pngPixels(full);
    // Okabe-Ito blue (the chosen method), sky blue (the bootstrap histogram)
    const ins = inspect(px, [[0x00, 0x72, 0xB2], [0x56, 0xB4, 0xE9]]);
    check(px.height > 3000 && ins.ink > 0.03 && ins.seen[0] > 50 && ins.seen[1] > 500,
          `the screenshot is not blank (${px.width}x${px.height}, ${(100 * ins.ink).toFixed(1)}% ink, ` +
          `${ins.seen[0]} blue and ${ins.seen[1]} sky-blue pixels): ${shot}`);
    // nothing wider than the page, on a desktop
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `nothing runs off the side at 1000 px (${overflow} px)`);
    await context.close();

    const narrow = await watchedPage(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await narrow.page.goto(url, { waitUntil: 'load' });
    await narrow.page.screenshot({ path: join(art, 'report-uk-narrow.png') });
    await narrow.page.screenshot({ path: join(art, 'report-uk-narrow-full.png'), fullPage: true });
    const nover = await narrow.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(nover <= 0, `on a phone the page itself does not scroll sideways (wide plots scroll in their box): ${nover} px`);
    await narrow.context.close();

    // linkage draws (estimate --linkage-draws): 20 made-up drawn tables, the UK
    // table with 0 to 19 of the people seen by PF only moved to PF and NG (a link
    // more per draw): the figure shows every draw, and the interval beside them
    const uk = readFileSync(join(shared, 'mse', 'uk.csv'), 'utf8').trim().split(/\r?\n/);
    const rows = uk.slice(1).map(l => l.split(','));
    const col = n => uk[0].split(',').indexOf(n);
    const key = r => r.slice(0, -1).join(',');
    const pfOnly = '0,0,1,0,0,0', pfNg = '0,1,1,0,0,0';
    let draws = 'draw,' + uk[0] + '\n';
    for (let d = 0; d < 20; d++)
      for (const r of rows) {
        let c = +r[r.length - 1];
        if (key(r) === pfOnly) c -= d;
        if (key(r) === pfNg) c += d;
        draws += `${d + 1},${key(r)},${c}\n`;
      }
    check(col('PF') === 2 && col('NG') === 1 && rows.some(r => key(r) === pfNg), 'the UK table has PF+NG');
    writeFileSync(join(work, 'uk-draws.csv'), draws);
    run(['estimate', join(shared, 'mse', 'uk.csv'), '--linkage-draws', 'uk-draws.csv',
         '--bootstrap', '200', '--seed', '1', '--manifest', 'lk.json']);
    run(['report', 'lk.json', '-o', 'lk.html']);
    const lk = await watchedPage(browser, { viewport: { width: 1000, height: 1400 } });
    await lk.page.goto('file://' + join(work, 'lk.html'), { waitUntil: 'load' });
    check(lk.errors.length === 0, 'the linkage report: no console error');
    const fig = await lk.page.$('#m1-linkage');
    check(!!fig, 'the linkage report has the figure of the drawn tables');
    if (fig) {
      const cap = await fig.$eval('figcaption', c => c.textContent);
      check(cap.includes('20 capture tables drawn from the link probabilities'),
            `its caption says how many tables were drawn (${cap.slice(0, 80)}...)`);
      const n = await fig.$$eval('tbody tr td:last-child', ts => ts.reduce((a, t) => a + +t.textContent.replace(/,/g, ''), 0));
      check(n === 20, `its table counts every drawn table once (${n})`);
      const dashed = await fig.$$eval('svg line[stroke-dasharray]', ls => ls.length);
      check(dashed >= 2, `the interval's two ends are drawn beside the draws (${dashed} dashed lines)`);
      await fig.scrollIntoViewIfNeeded();
      await fig.screenshot({ path: join(art, 'report-linkage.png') });
    }
    await lk.context.close();

    // print to PDF: each of the four sections starts a page, so the pages are
    // those of each section printed alone, added up (measured here in the print
    // layout of the paper's width), plus at most one per section for figures
    // kept whole
    for (const [format, w, h] of [['A4', 595.92, 842.88], ['Letter', 612, 792]]) {
      const p = await watchedPage(browser);
      await p.page.goto(url, { waitUntil: 'load' });
      const pdf = await p.page.pdf({ format, printBackground: true });
      const info = pdfPages(pdf);
      // printable area: the page less the @page margins (15 mm top and bottom,
      // 14 mm sides), at 96 CSS px per inch
      const mm = 96 / 25.4, pw = (w / 72 * 25.4 - 28) * mm, ph = (h / 72 * 25.4 - 30) * mm;
      await p.page.emulateMedia({ media: 'print' });
      await p.page.setViewportSize({ width: Math.floor(pw), height: Math.floor(ph) });
      const heights = await p.page.$$eval('section.s', ss => ss.map(s => s.getBoundingClientRect().height));
      const top = await p.page.$eval('section.s', s => s.getBoundingClientRect().top + window.scrollY);
      heights[0] += top;   // the title and contents share the first page
      const expect = heights.reduce((n, x) => n + Math.ceil(x / ph), 0);
      check(heights.length === 4 && info.pages >= expect && info.pages <= expect + 4 && info.pages >= 4,
            `${format}: ${info.pages} pages, the four sections needing ${expect} ` +
            `(${heights.map(x => Math.ceil(x / ph)).join(' + ')})`);
      check(Math.abs(info.width - w) < 1 && Math.abs(info.height - h) < 1,
            `${format}: the pages are ${info.width} x ${info.height} pt`);
      await p.context.close();
    }
  } finally {
    await close();
  }

  // the README's PDF command, from the folder of the report (chromium refuses to
  // run as root without --no-sandbox, which the README's readers do not need)
  const readme = readFileSync(join(src, 'README.md'), 'utf8');
  const line = readme.split('\n').find(l => l.startsWith('chromium --headless'));
  check(!!line, `the README has a chromium command (${line})`);
  if (line) {
    copyFileSync(join(work, 'uk.html'), join(work, 'report.html'));
    const args = line.split('#')[0].trim().split(/\s+/).slice(1);
    if (process.getuid && process.getuid() === 0) args.unshift('--no-sandbox');
    execFileSync(CHROMIUM, args, { cwd: work, stdio: 'ignore', timeout: 120000 });
    const pdf = readFileSync(join(work, 'report.pdf'));
    const info = pdfPages(pdf);
    check(info.pages >= 4, `the README's command prints report.html to report.pdf (${info.pages} pages)`);
  }
} catch (e) {
  check(false, `${e.stack || e}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
