// Hearth's web application in real headless Chromium (Debian's /usr/bin/chromium), driven by
// playwright-core, with an axe-core check of each main page. Run by scripts/browser-tests,
// which builds the binary, runs `hearth demo --no-serve`, starts `hearth serve` and sets:
//   HEARTH_URL        the server's address, e.g. http://127.0.0.1:41234
//   HEARTH_SIGN_INS   the demo's demo-sign-ins.json
//   HEARTH_SCREENSHOTS where to save screenshots (optional)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { base, assignedToLeadWorker, newContext, signIn, screenshot as shoot, assertAccessible as check } from './lib.mjs'

// Screenshots under their own names (family pages whole), separate from the axe checks.
const screenshot = (page, name) => shoot(page, name, name.startsWith('family'))
const assertAccessible = (page, label) => check(page, label, { shot: null })

test('sign in, find a family, assign a lead worker; the lead worker sees it and another cannot open it (no JavaScript)', async () => {
  const po = await signIn('performance.officer', { javaScript: false })
  assert.match(po.page.url(), /\/families$/)
  // Find an unassigned family with a crime or anti-social behaviour problem in the first area.
  await po.page.selectOption('#lead_worker', 'none')
  await po.page.selectOption('#problem', 'crime_asb')
  const area = await po.page.locator('#area option').nth(1).getAttribute('value')
  await po.page.selectOption('#area', area)
  await Promise.all([po.page.waitForNavigation(), po.page.click('button:has-text("Filter families")')])
  assert.match(po.page.url(), /lead_worker=none/)
  assert.equal(await po.page.locator('#area').inputValue(), area, 'the chosen area stays chosen')
  const link = po.page.locator('table.govuk-table a[href^="/families/"]').first()
  const href = await link.getAttribute('href')
  const familyId = href.split('/').pop()
  await Promise.all([po.page.waitForNavigation(), link.click()])
  // Named as workers name a family, with its reference.
  assert.match(await po.page.locator('h1').innerText(), / family$/)
  assert.match(await po.page.locator('main').innerText(), new RegExp(`Family reference ${familyId}`))
  assert.match(await po.page.locator('.govuk-summary-list').innerText(), new RegExp(`Area \\(postcode sector\\)\\s+${area}`))
  assert.equal((await po.page.locator('#current-lead-worker').innerText()).trim(), 'Not assigned')
  // Submitting without choosing shows the GOV.UK error summary.
  await Promise.all([po.page.waitForNavigation(), po.page.click('button:has-text("Assign lead worker")')])
  assert.match(await po.page.locator('.govuk-error-summary').innerText(), /Select a lead worker/)
  await po.page.selectOption('#lead_worker', { label: 'Lee Worker' })
  await Promise.all([po.page.waitForNavigation(), po.page.click('button:has-text("Assign lead worker")')])
  assert.equal((await po.page.locator('#current-lead-worker').innerText()).trim(), 'Lee Worker')
  await po.context.close()

  const lw = await signIn('lead.worker', { javaScript: false })
  assert.match(lw.page.url(), /\/caseload$/)
  assert.equal(await lw.page.locator(`a[href="/families/${familyId}"]`).count(), 1)
  // Just assigned: the first contact is the next step, due in 10 days.
  const row = lw.page.locator('tr', { has: lw.page.locator(`a[href="/families/${familyId}"]`) })
  assert.match(await row.innerText(), /Contact the family[\s\S]*Due in 10 days/)
  const opened = await lw.page.goto(`${base}/families/${familyId}`)
  assert.equal(opened.status(), 200)
  await lw.context.close()

  const other = await signIn('lead.worker2', { javaScript: false })
  assert.equal(await other.page.locator(`a[href="/families/${familyId}"]`).count(), 0)
  const refused = await other.page.goto(`${base}/families/${familyId}`)
  assert.equal(refused.status(), 403)
  assert.match(await other.page.locator('h1').innerText(), /You do not have permission/)
  await other.context.close()
})

test('every main page passes axe-core with no serious or critical violations', async () => {
  const anon = await newContext()
  const page = await anon.newPage()
  await page.goto(`${base}/sign-in`)
  await assertAccessible(page, 'sign-in')
  await screenshot(page, 'sign-in')
  await page.fill('#user_name', 'nobody')
  await page.click('button:has-text("Sign in")')
  await page.waitForSelector('.govuk-error-summary')
  await assertAccessible(page, 'sign-in with errors')
  await screenshot(page, 'sign-in-error')
  await anon.close()

  const pages = [
    ['performance.officer', '/families', 'families'],
    ['performance.officer', null, 'family'],
    ['lead.worker', '/caseload', 'caseload'],
    ['analyst', null, 'family-pseudonymised'],
    ['referrer', '/referrals', 'referrals'],
    ['ig.officer', '/audit', 'audit'],
    ['performance.officer', '/quarantine', 'quarantine'],
    ['admin', '/admin/users', 'accounts'],
    ['lead.worker', '/account/password', 'change-password'],
    ['admin', '/no-such-page', 'not-found'],
  ]
  const firstFamily = assignedToLeadWorker[0]
  for (const [user, path, name] of pages) {
    const { context, page } = await signIn(user)
    await page.goto(`${base}${path ?? `/families/${firstFamily}`}`)
    await assertAccessible(page, name)
    await screenshot(page, name)
    await context.close()
  }
})

test("a lead worker's assessment, plan, review and progress; axe-core on every family sub-page", async () => {
  const familyId = assignedToLeadWorker[0]
  const family = `${base}/families/${familyId}`
  // JavaScript on: axe-core runs in the page (the forms work without it).
  const lw = await signIn('lead.worker')
  const page = lw.page
  const submit = async (label) => {
    if (process.env.HEARTH_TRACE) console.log(`submit ${label} on ${page.url()}`)
    await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${label}")`)])
  }

  // The summary at the top, with the sub-navigation to every part.
  await page.goto(family)
  for (const part of ['Members', 'Problems and assessment', 'Plan', 'Team', 'Progress', 'Timeline', 'Notes']) {
    assert.equal(await page.locator(`nav[aria-label="Family record"] a:has-text("${part}")`).count(), 1, part)
  }
  await assertAccessible(page, 'family summary')

  // The case moves on: back without a reason is refused with the error summary.
  await page.selectOption('#status', 'plan_in_place')
  await submit('Update status')
  assert.match(await page.locator('#current-status').innerText(), /Plan in place/)
  await page.selectOption('#status', 'contacted')
  await submit('Update status')
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Say why the case is moving back/)
  assert.equal(await page.locator('#status').inputValue(), 'contacted', 'the choice is kept')
  await assertAccessible(page, 'family summary with errors')
  await page.goto(family)

  // Assessment: mistakes first, then an entry for the whole family.
  await page.goto(`${family}/problems`)
  await submit('Save assessment')
  const summary = await page.locator('.govuk-error-summary').innerText()
  assert.match(summary, /Select one of the family's problems/)
  assert.match(summary, /Enter what is happening/)
  await assertAccessible(page, 'assessment with errors')
  await page.selectOption('#problem', { index: 1 })
  await page.fill('#happening', 'The children are often late for school')
  await page.fill('#needs', 'A morning routine')
  await page.fill('#evidence_seen', 'Attendance letter')
  await submit('Save assessment')
  assert.match(await page.locator('.govuk-summary-card').first().innerText(), /The children are often late for school/)
  await assertAccessible(page, 'problems and assessment')
  await screenshot(page, 'family-assessment')

  // Plan: a goal tied to an Outcomes Plan measure, with a first action already overdue.
  await page.goto(`${family}/plan`)
  // The measures offered are the goal's problem's (with JavaScript, the others are hidden;
  // without, each problem's are listed under its name and the server refuses another's).
  await page.selectOption('#goal_problem', { index: 1 })
  const problemLabel = (await page.locator('#goal_problem option').nth(1).innerText()).trim()
  const groups = await page.locator('#measure optgroup').evaluateAll(gs => gs.map(g => ({
    label: g.label, disabled: g.disabled, values: [...g.querySelectorAll('option')].map(o => o.value)
  })))
  const own = groups.find(g => g.label === problemLabel)
  assert.equal(own.disabled, false)
  assert.ok(groups.filter(g => g !== own).every(g => g.disabled), 'only the problem\'s measures are offered')
  await page.selectOption('#measure', own.values[0])
  await page.fill('#goal', 'Every child at school every day')
  await page.fill('#goal_owner', 'Parent')
  await submit('Add goal')
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the action/)
  assert.equal(await page.locator('#goal_owner').inputValue(), 'Parent', 'kept as typed')
  await assertAccessible(page, 'plan with errors')
  await page.fill('#goal_action', 'Walk to school together')
  await page.fill('#goal_due', '2 1 2020')
  await submit('Add goal')
  assert.match(await page.locator('.govuk-warning-text').innerText(), /1 action is overdue/)
  await assertAccessible(page, 'plan')
  await submit('Mark done')
  assert.equal(await page.locator('.govuk-warning-text').count(), 0, 'nothing overdue once done')
  // Change the action (owner and due date) and remove the goal's second action, with why.
  await page.selectOption('#goal_id', { index: 1 })
  await page.fill('#action', 'Meet the head teacher')
  await page.fill('#owner', 'School')
  await page.fill('#due', '1 1 2099')
  await submit('Add action')
  await Promise.all([page.waitForNavigation(), page.locator('tr', { hasText: 'Walk to school together' }).locator('a[href*="/plan/actions/"]').click()])
  await page.fill('#owner', 'Parent and school')
  await page.fill('#due', '31 2 2026')
  await submit('Save the action')
  assert.match(await page.locator('.govuk-error-summary').innerText(), /must be a real date/)
  assert.equal(await page.locator('#owner').inputValue(), 'Parent and school', 'kept as typed')
  await assertAccessible(page, 'change an action with errors')
  await page.fill('#due', '1 6 2099')
  await page.fill('#change_reason', 'The school will help in the mornings')
  await submit('Save the action')
  assert.match(await page.locator('#changes ~ ul').first().innerText(), /Who will do it from “Parent” to “Parent and school”/)
  await Promise.all([page.waitForNavigation(), page.locator('tr', { hasText: 'Meet the head teacher' }).locator('a[href*="/plan/actions/"]').click()])
  await assertAccessible(page, 'change an action')
  await screenshot(page, 'family-plan-change-action')
  await page.fill('#remove_reason', 'Met at the review instead')
  await submit('Remove the action')
  assert.doesNotMatch(await page.locator('main table').first().innerText(), /Meet the head teacher/)
  await page.fill('#what_changed', 'Attending four days in five')
  await submit('Record review')
  assert.match(await page.locator('#reviews ~ table').first().innerText(), /Attending four days in five/)
  assert.match(await page.locator('#reviews ~ table').first().innerText(), /Removed \(why: Met at the review instead\)/)
  await assertAccessible(page, 'plan after a review')
  await screenshot(page, 'family-plan')

  // Team around the family.
  await page.goto(`${family}/team`)
  await page.fill('#name', 'Sam Nurse')
  await page.fill('#agency', 'School nursing')
  await page.fill('#role', 'School nurse')
  await page.fill('#from', '5 1 2026')
  await submit('Add to the team')
  assert.match(await page.locator('table').first().innerText(), /Sam Nurse/)
  await assertAccessible(page, 'team')
  await Promise.all([page.waitForNavigation(), page.locator('a[href*="/team/"]').first().click()])
  await page.fill('#to', '1 1 2026')
  await submit('End their involvement')
  assert.match(await page.locator('#to-error').innerText(), /on or after the date they started/)
  await assertAccessible(page, 'end involvement with errors')
  await page.fill('#to', '1 2 2026')
  await submit('End their involvement')
  assert.match(await page.locator('table').first().innerText(), /1 February 2026/)
  await screenshot(page, 'family-team')

  // Progress at the start and at the review: the change shows.
  await page.goto(`${family}/progress`)
  for (const [stage, position] of [['start', '2'], ['review', '4']]) {
    await page.selectOption('#stage', stage)
    await page.selectOption('#position_school_attendance', position)
    await submit('Save progress')
  }
  assert.match(await page.locator('table').first().innerText(), /Better/)
  await assertAccessible(page, 'progress')
  await screenshot(page, 'family-progress')

  for (const part of ['members', 'timeline', 'notes']) {
    await page.goto(`${family}/${part}`)
    await assertAccessible(page, part)
    await screenshot(page, `family-${part}`)
  }
  await page.goto(`${family}/problems`)
  await screenshot(page, 'family-problems')
  await page.goto(family)
  assert.match(await page.locator('#current-status').innerText(), /Reviews/, 'the review moved the plan on')
  await lw.context.close()

  // The analyst: the same parts without what workers wrote; the cohort's progress.
  const an = await signIn('analyst')
  for (const part of ['', '/problems', '/plan', '/team', '/progress']) {
    await an.page.goto(`${family}${part}`)
    const text = await an.page.locator('main').innerText()
    assert.doesNotMatch(text, /often late|Walk to school|Sam Nurse/, part)
    await assertAccessible(an.page, `analyst ${part}`)
  }
  await an.page.goto(`${base}/progress`)
  assert.match(await an.page.locator('main').innerText(), /Change on each measure/)
  await assertAccessible(an.page, 'progress cohort')
  await screenshot(an.page, 'progress-cohort')
  await an.context.close()
})
