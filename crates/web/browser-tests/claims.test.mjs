// Claims (issue 12) in real headless Chromium (run by scripts/browser-tests): a batch
// prepared with `hearth claims prepare` on the demo store, then the performance officer's
// claims page → batch → evidence pack (printable) → withdrawal with a reason, and the internal
// auditor's sample → spot check (no JavaScript); axe-core on every claims page.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { base, signIn, assertAccessible } from './lib.mjs'

test('claims: batch → evidence pack → withdraw; internal audit sample → spot check', async () => {
  const po = await signIn('performance.officer')
  // `hearth demo` has already claimed its programme cohort's results (one batch): this batch
  // claims up to 12 eligible families it attached (a baseline frozen before the result) but
  // did not claim, and the cap counts both.
  const sql = query => execFileSync('sqlite3', [process.env.HEARTH_STORE, query]).toString().trim().split('\n').filter(Boolean)
  const claimedByDemo = new Set(sql("SELECT DISTINCT family_id FROM claim WHERE status = 'claimed'").map(Number))
  assert.ok(claimedByDemo.size > 0, 'the demo claimed its cohort\'s results')
  const attached = new Set(sql("SELECT family_id FROM outcome_baseline WHERE attached_on < '2027-08-20'").map(Number))
  const families = (await (await po.page.request.get(`${base}/api/families`)).json()).families
    .filter(f => !claimedByDemo.has(f.family_id) && attached.has(f.family_id)).slice(0, 12)
  assert.ok(families.length > 0, 'the demo has attached eligible families it did not claim')
  const dir = mkdtempSync(join(tmpdir(), 'hearth-claims-'))
  const results = join(dir, 'results.json')
  writeFileSync(results, JSON.stringify(families.map(f => ({
    family_id: f.family_id,
    kind: 'significant_and_sustained_progress',
    achieved_on: '2027-08-20',
    problems: f.problems.map(p => p.key),
    evidence: [],
    rules_hash: '',
  }))))
  // The shipped rules with a window of the synthetic cohort's years, as `hearth demo` claims in.
  const rules = join(dir, 'claims.toml')
  const shipped = join(dirname(fileURLToPath(import.meta.url)), '../../../rules/claims.toml')
  writeFileSync(rules, readFileSync(shipped, 'utf8') + '\n[[window]]\nkey = "2027-28-q2"\n' +
    'label = "July to September 2027"\nopens = "2027-07-01"\ncloses = "2027-09-30"\nsource = "default"\n')
  const out = execFileSync(process.env.HEARTH_BIN, ['claims', 'prepare', '--store', process.env.HEARTH_STORE,
    '--rules', rules, '--window', '2027-28-q2', '--today', '2027-08-31', '--as', 'performance.officer',
    '--results', results]).toString()
  assert.match(out, new RegExp(`${families.length} families claimed`))
  const batch = out.match(/batch (\d+): /)[1]

  await po.page.goto(`${base}/claims`)
  assert.match(await po.page.locator('#cap-progress').innerText(), new RegExp(`^${claimedByDemo.size + families.length} of 1930 families claimed`))
  await assertAccessible(po.page, 'claims')
  await Promise.all([po.page.waitForNavigation(), po.page.locator(`a[href="/claims/batches/${batch}"]`).click()])
  const batchPath = new URL(po.page.url()).pathname
  assert.equal(batchPath, `/claims/batches/${batch}`)
  await assertAccessible(po.page, 'claim-batch')
  await Promise.all([po.page.waitForNavigation(), po.page.locator('table a[href^="/claims/"]').first().click()])
  assert.equal((await po.page.locator('#claim-status').innerText()).trim(), 'Claimed')
  await assertAccessible(po.page, 'claim-evidence-pack')
  // Printed, the pack is a plain document: no header, navigation or forms.
  await po.page.emulateMedia({ media: 'print' })
  assert.equal(await po.page.locator('.govuk-header').isVisible(), false)
  assert.equal(await po.page.locator('form[action$="/withdraw"]').isVisible(), false)
  assert.equal(await po.page.locator('#evidence').isVisible(), true)
  await po.page.emulateMedia({ media: 'screen' })
  // Withdrawing needs a reason; then the claim stays, marked withdrawn.
  await Promise.all([po.page.waitForNavigation(), po.page.click('button:has-text("Withdraw claim")')])
  assert.match(await po.page.locator('.govuk-error-summary').innerText(), /Enter why the claim is withdrawn/)
  await assertAccessible(po.page, 'claim-withdraw-error')
  await po.page.fill('#reason', 'Attendance return corrected by the school')
  await Promise.all([po.page.waitForNavigation(), po.page.click('button:has-text("Withdraw claim")')])
  assert.match(await po.page.locator('#claim-status').innerText(), /Withdrawn: Attendance return corrected by the school/)
  await po.page.goto(`${base}${batchPath}`)
  assert.match(await po.page.locator('table').innerText(), /Withdrawn/)
  await po.context.close()

  const auditor = await signIn('auditor', { javaScript: false })
  await auditor.page.goto(`${base}${batchPath}/sample`)
  await assertAccessible(auditor.page, 'claim-audit-sample')
  const sampled = await auditor.page.locator('a[href$="/audit"]').count()
  assert.equal(sampled, Math.min(10, families.length), 'the shipped sample size')
  await Promise.all([auditor.page.waitForNavigation(), auditor.page.locator('a[href$="/audit"]').first().click()])
  await assertAccessible(auditor.page, 'claim-spot-check')
  await auditor.page.check('#outcome-fail')
  await Promise.all([auditor.page.waitForNavigation(), auditor.page.click('button:has-text("Record finding")')])
  assert.match(await auditor.page.locator('.govuk-error-summary').innerText(), /Enter what is wrong with the claim/)
  await auditor.page.check('#outcome')
  await auditor.page.fill('#notes', 'Attendance returns for three terms seen')
  await Promise.all([auditor.page.waitForNavigation(), auditor.page.click('button:has-text("Record finding")')])
  assert.match(await auditor.page.locator('#findings ~ p').first().innerText(), /Pass by auditor/)
  await auditor.context.close()
})
