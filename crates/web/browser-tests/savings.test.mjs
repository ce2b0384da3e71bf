// The cost savings pages in real headless Chromium (run by scripts/browser-tests, as
// hearth.test.mjs): `hearth savings` is run on the demo's store with 60 of its eligible families
// attached a year before the data's date; then the analyst's /savings (the chart with its table,
// "indicative" said) and a family's Cost savings section, each checked by axe-core, and the
// page without JavaScript (everything is server-rendered).
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { base, signIns, signIn, assertAccessible } from './lib.mjs'

const store = process.env.HEARTH_STORE
const bin = process.env.HEARTH_BIN
if (!store || !bin) throw new Error('set HEARTH_STORE and HEARTH_BIN')

let family
before(async () => {
  const rows = execFileSync('sqlite3', [store, 'SELECT family_id FROM family_assessment WHERE eligible = 1 ORDER BY family_id LIMIT 60']).toString().trim().split('\n')
  family = rows[0]
  const dir = mkdtempSync(join(tmpdir(), 'hearth-savings-'))
  const file = join(dir, 'attachments.csv')
  writeFileSync(file, 'family_id,attached_on\n' + rows.map(f => `${f},2024-06-01`).join('\n') + '\n')
  execFileSync(bin, ['savings', '--store', store, '--attachments', file], { stdio: 'ignore' })
})

function analyst () {
  return Object.keys(signIns).find(u => signIns[u].role === 'data_analyst') || 'analyst'
}

test('the analyst sees the cohort savings with an accessible chart and its table; a family section too', async () => {
  const { context, page } = await signIn(analyst())
  await page.click('a:has-text("Cost savings")')
  assert.equal(new URL(page.url()).pathname, '/savings')
  assert.match(await page.textContent('h1'), /Cost savings/)
  assert.match(await page.textContent('body'), /Indicative figures/)
  const svg = page.locator('svg[role="img"]').first()
  assert.equal(await svg.count(), 1)
  assert.match(await svg.getAttribute('aria-labelledby'), /agency-chart-title agency-chart-desc/)
  assert.ok(await page.locator('caption:has-text("Annual cost to each agency")').count())
  await assertAccessible(page, 'savings-cohort')
  await page.goto(`${base}/families/${family}/savings`)
  assert.match(await page.textContent('body'), /Attached on 1 June 2024/)
  await assertAccessible(page, 'savings-family')
  await context.close()
})

test('the savings page works without JavaScript', async () => {
  const { context, page } = await signIn(analyst(), { javaScript: false })
  await page.goto(`${base}/savings`)
  assert.ok(await page.locator('table.govuk-table').count() >= 2)
  assert.ok(await page.locator('a[href="/savings.xlsx"]').count())
  await context.close()
})

test('printed on A4, the evaluation report and the savings page keep every column of their tables', async () => {
  const { context, page } = await signIn(analyst())
  // A4 less 15 mm margins each side, at the 96 px an inch print uses.
  const printable = Math.floor((210 - 30) / 25.4 * 96)
  await page.setViewportSize({ width: printable, height: 1000 })
  await page.emulateMedia({ media: 'print' })
  for (const path of ['/evaluation', '/savings']) {
    await page.goto(`${base}${path}`)
    const tables = await page.locator('table.govuk-table').count()
    assert.ok(tables > 0, `${path} has tables`)
    const wide = await page.evaluate((w) => [...document.querySelectorAll('table.govuk-table')]
      .filter(t => t.getBoundingClientRect().right > w + 1)
      .map(t => (t.querySelector('caption') || t).textContent.trim().slice(0, 60)), printable)
    assert.deepEqual(wide, [], `${path}: tables wider than the printed page`)
  }
  await context.close()
})
