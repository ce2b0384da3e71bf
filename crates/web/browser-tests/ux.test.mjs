// The pages people work in, in real headless Chromium: the layout on a 375 px phone, axe-core
// (with the `region` rule: every signed-in page's content inside landmarks) on the new pages,
// the families list's search and bulk assignment, and the clerical review flow — a decision
// changes the next `hearth link`. Run by scripts/browser-tests, which also sets:
//   HEARTH_BIN        the hearth binary
//   HEARTH_STORE      the demo's SQLite store (the review flow works on its own copy)
//   HEARTH_DEMO_DIR   the demo's folder (for its as-at date)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, mkdtempSync, rmSync } from 'node:fs'
import { execFileSync, spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import net from 'node:net'
import { base, assignedToLeadWorker, signIn, screenshot, assertAccessible as check } from './lib.mjs'

// Serious and critical violations, and `region` (moderate in axe, but the issue asks for
// every signed-in page's content inside landmarks); screenshots are taken apart.
const assertAccessible = (page, label) => check(page, label, { shot: null, region: true })

// Nothing wider than the screen: a wide table scrolls inside its wrapper, not the page.
async function assertFitsTheScreen (page, label) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }))
  assert.ok(scroll <= width, `${label}: the page is ${scroll} px wide on a ${width} px screen`)
}

test('the new pages pass axe-core (with landmarks) at desktop width and fit a 375 px phone', async () => {
  const family = assignedToLeadWorker[0]
  const pages = [
    ['performance.officer', '/families', 'families'],
    ['performance.officer', '/families?q=zz&area=NOWHERE', 'families-unknown-filter'],
    ['performance.officer', '/workload', 'workload'],
    ['performance.officer', `/families/${family}`, 'family'],
    ['performance.officer', `/families/${family}/unassign`, 'unassign'],
    ['performance.officer', '/review', 'review-queue'],
    ['analyst', '/families', 'families-analyst'],
    ['analyst', '/review', 'review-queue-analyst'],
    ['lead.worker', '/caseload', 'caseload'],
    ['lead.worker', '/families', 'forbidden'],
    ['admin', '/no-such-page', 'not-found'],
    ['referrer', '/accessibility', 'accessibility'],
    ['referrer', '/privacy', 'privacy'],
    ['referrer', '/cookies', 'cookies'],
    ['referrer', '/contact', 'contact'],
  ]
  for (const width of [1280, 375]) {
    for (const [user, path, name] of pages) {
      const { context, page } = await signIn(user, { width })
      await page.goto(`${base}${path}`)
      await assertAccessible(page, `${name} at ${width} px`)
      if (width === 375) {
        await assertFitsTheScreen(page, name)
        if (['families', 'review-queue', 'workload'].includes(name)) await screenshot(page, `phone-${name}`, false)
      } else {
        await screenshot(page, `ux-${name}`, name === 'family')
      }
      // Error pages keep the signed-in user's navigation and sign out in the header.
      if (name === 'forbidden' || name === 'not-found') {
        assert.equal(await page.locator('header button:has-text("Sign out")').count(), 1, name)
      }
      await context.close()
    }
  }
})

test('the performance officer searches, sorts and assigns several families at once (no JavaScript needed)', async () => {
  const { context, page } = await signIn('performance.officer')
  // Find two unassigned families; assign both to Lou Otherworker in one go.
  await page.goto(`${base}/families?lead_worker=none&sort=cost&dir=desc`)
  assert.equal(await page.locator('th[aria-sort="descending"]').innerText(), 'Estimated cost a year')
  const boxes = page.locator('input[name="family"]')
  const first = await boxes.nth(0).getAttribute('value')
  const second = await boxes.nth(1).getAttribute('value')
  // Without a lead worker: the error summary links to the field.
  await boxes.nth(0).check()
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Assign to selected families")')])
  const summary = page.locator('.govuk-error-summary a[href="#bulk_lead_worker"]')
  assert.equal(await summary.count(), 1)
  await summary.click()
  assert.equal(await page.evaluate(() => document.activeElement.id), 'bulk_lead_worker', 'the summary link moves to its field')
  assert.ok(await page.locator(`input[name="family"][value="${first}"]`).isChecked(), 'the selection is kept')
  await page.locator(`input[name="family"][value="${second}"]`).check()
  await page.selectOption('#bulk_lead_worker', { label: 'Lou Otherworker' })
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Assign to selected families")')])
  await page.goto(`${base}/families?q=${first}`)
  assert.match(await page.locator('table.govuk-table tbody').innerText(), /Lou Otherworker/)
  // Searching by the family's name finds it; the workload counts it.
  const name = (await page.locator('table.govuk-table tbody a[href^="/families/"]').first().innerText()).replace(/ family$/, '')
  await page.goto(`${base}/families`)
  await page.fill('#q', name)
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Filter families")')])
  assert.ok(await page.locator(`a[href="/families/${first}"]`).count() >= 1, `searching "${name}" finds family ${first}`)
  await page.goto(`${base}/workload`)
  assert.match(await page.locator('#workload').innerText(), /Lou Otherworker\s+[1-9]/)
  await context.close()
})

function freePort () {
  return new Promise(resolve => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) })
  })
}

function personOf (store, record) {
  return execFileSync('sqlite3', [store, `SELECT person_id FROM person_record WHERE record_id = ${Number(record)}`]).toString().trim()
}

test('a clerical decision changes the next link: same person, then different people', { skip: !process.env.HEARTH_BIN && 'set HEARTH_BIN' }, async () => {
  const bin = process.env.HEARTH_BIN
  const dir = mkdtempSync(join(tmpdir(), 'hearth-review-'))
  const store = join(dir, 'hearth.sqlite')
  // Its own copy of the demo's store and its own server, so that re-linking changes
  // nothing the other tests see.
  execFileSync('sqlite3', [process.env.HEARTH_STORE, `.backup '${store}'`])
  const asAt = readFileSync(join(process.env.HEARTH_DEMO_DIR, 'truth/manifest.toml'), 'utf8').match(/as_at\s*=\s*"?(\d{4}-\d{2}-\d{2})/)[1]
  const port = await freePort()
  const server = spawn(bin, ['serve', '--store', store, '--addr', `127.0.0.1:${port}`], { stdio: 'ignore' })
  const at = `http://127.0.0.1:${port}`
  try {
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(`${at}/sign-in`)).ok) break } catch {}
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    const { context, page } = await signIn('performance.officer', { at })
    await page.goto(`${at}/review`)
    const remaining = Number(await page.locator('#review-remaining').innerText())
    assert.ok(remaining >= 2, 'the demo queues pairs for review')
    // A pair whose records are two people now (a pair in the uncertain band can already be
    // one person through other records), and one whose records are one person if any.
    const keys = await page.locator('a[href^="/review/"]').evaluateAll(as => as.map(a => a.getAttribute('href').split('/').pop()).filter(k => k.includes('-')))
    const apart = keys.find(k => { const [a, b] = k.split('-'); return personOf(store, a) !== personOf(store, b) })
    assert.ok(apart, 'a queued pair of two people')
    const together = keys.find(k => k !== apart && (([a, b]) => personOf(store, a) === personOf(store, b))(k.split('-'))) ?? keys.find(k => k !== apart)
    const [l, r] = apart.split('-')
    await page.goto(`${at}/review/${apart}`)
    await assertAccessible(page, 'review pair')
    assert.equal(await page.locator('svg.hearth-waterfall rect').count(), await page.locator('#contributions tbody tr').count() + 1,
      'a bar per comparison and the total')
    await screenshot(page, 'ux-review-pair', true)
    // Deciding without a reason: the summary links to the field, the choice is kept.
    await page.check('input[value="same"]')
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save decision")')])
    assert.equal(await page.locator('.govuk-error-summary a[href="#reason"]').count(), 1)
    await assertAccessible(page, 'review pair with errors')
    assert.ok(await page.locator('input[value="same"]').isChecked())
    await page.fill('#reason', 'Same date of birth and address; given name recorded as a nickname')
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save decision")')])
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Decision saved: The same person/)
    // Another pair: decide different people.
    const [l2, r2] = together.split('-')
    await page.goto(`${at}/review/${together}`)
    await page.check('input[value="different"]')
    await page.fill('#reason', 'Different dates of birth and schools')
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save decision")')])
    await page.goto(`${at}/review`)
    assert.equal(Number(await page.locator('#review-remaining').innerText()), remaining - 2)
    assert.match(await page.locator('#review-decided').innerText(), /^2 /)
    await context.close()

    execFileSync(bin, ['link', '--store', store, '--as-at', asAt], { stdio: 'ignore' })
    assert.equal(personOf(store, l), personOf(store, r), 'one person after the next link')
    assert.notEqual(personOf(store, l2), personOf(store, r2), 'two people after the next link')
  } finally {
    server.kill()
    rmSync(dir, { recursive: true, force: true })
  }
})
