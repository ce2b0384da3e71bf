// Referrals in real headless Chromium (run by scripts/browser-tests, as hearth.test.mjs):
// referral → double check → accept (JavaScript on: the criteria counted as problems are
// ticked), and referral → return with a reason → the referrer sees it (no JavaScript: "add
// another member" and "check the criteria" ask the server); axe-core on every referral page.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { base, signIn, assertAccessible } from './lib.mjs'

async function fillMember (page, i, given, family, dob) {
  await page.fill(`#member_${i}_given_name`, given)
  await page.fill(`#member_${i}_family_name`, family)
  await page.fill(`#member_${i}_date_of_birth`, dob)
  await page.fill(`#member_${i}_address`, '12 Browser Road')
  await page.selectOption(`#member_${i}_relationship`, i === 0 ? 'parent_or_carer' : 'child')
}

async function fillReferrer (page) {
  await page.check('#consent')
  await page.fill('#referrer_name', 'Bea Browser')
  await page.fill('#referrer_organisation', 'Browser Primary School')
  await page.fill('#referrer_email', 'bea@example.org')
}

test('referral → double check → accept (JavaScript on)', async () => {
  const r = await signIn('referrer')
  await r.page.goto(`${base}/referrals/new`)
  await assertAccessible(r.page, 'referral-form')
  // Sending it empty: the error summary, a message beside each field, nothing stored.
  await Promise.all([r.page.waitForNavigation(), r.page.click('button:has-text("Send the referral")')])
  assert.match(await r.page.locator('.govuk-error-summary').innerText(), /Enter their given name|Enter at least one member/)
  await assertAccessible(r.page, 'referral-form-errors')
  await fillMember(r.page, 0, 'Juniper', 'Browserfield', '4/5/1988')
  await r.page.check('#problems')
  assert.equal((await r.page.locator('#criteria-check').innerText()).trim(), '1 of the 2 problems required')
  await r.page.fill('#evidence_crime_asb', 'Police called to the home twice')
  await r.page.check('#problem_health')
  assert.match(await r.page.locator('#criteria-check').innerText(), /2 of the 2 problems required: the family meets the criteria/)
  await r.page.fill('#evidence_health', 'Long-term condition, missed appointments')
  await fillReferrer(r.page)
  await Promise.all([r.page.waitForNavigation(), r.page.click('button:has-text("Send the referral")')])
  assert.match(new URL(r.page.url()).pathname, /\/referrals\/\d+$/)
  const path = new URL(r.page.url()).pathname
  assert.equal((await r.page.locator('#referral-status').innerText()).trim(), 'Waiting to be checked')
  await assertAccessible(r.page, 'referral-sent')
  await r.context.close()

  const po = await signIn('performance.officer')
  await po.page.goto(`${base}/referrals`)
  await assertAccessible(po.page, 'referrals-officer')
  await po.page.goto(`${base}${path}`)
  assert.match(await po.page.locator('#flags').innerText(), /No one in this referral matches/)
  await assertAccessible(po.page, 'referral-double-check')
  await po.page.check('#decision')
  await Promise.all([po.page.waitForNavigation(), po.page.click('button:has-text("Save the decision")')])
  assert.equal((await po.page.locator('#referral-status').innerText()).trim(), 'Accepted')
  await po.context.close()
})

test('referral → return with a reason → the referrer sees the reason (no JavaScript)', async () => {
  const r = await signIn('referrer', { javaScript: false })
  await r.page.goto(`${base}/referrals/new`)
  await fillMember(r.page, 0, 'Rowan', 'Nojsworth', '1/2/1985')
  await Promise.all([r.page.waitForNavigation(), r.page.click('button:has-text("Add another member")')])
  assert.equal(await r.page.locator('#member_0_given_name').inputValue(), 'Rowan', 'what was typed is kept')
  await fillMember(r.page, 1, 'Ash', 'Nojsworth', '3/4/2014')
  await r.page.check('#problems')
  await r.page.fill('#evidence_crime_asb', 'Anti-social behaviour warnings')
  await r.page.check('#problem_school_attendance')
  await r.page.fill('#evidence_school_attendance', 'Attendance 72%')
  await Promise.all([r.page.waitForNavigation(), r.page.click('button:has-text("Check the criteria")')])
  assert.match(await r.page.locator('#criteria-check').innerText(), /2 of the 2 problems required/)
  await fillReferrer(r.page)
  await Promise.all([r.page.waitForNavigation(), r.page.click('button:has-text("Send the referral")')])
  const path = new URL(r.page.url()).pathname
  assert.match(path, /^\/referrals\/\d+$/)
  await r.context.close()

  const po = await signIn('performance.officer', { javaScript: false })
  await po.page.goto(`${base}${path}`)
  await po.page.check('#decision-return')
  await Promise.all([po.page.waitForNavigation(), po.page.click('button:has-text("Save the decision")')])
  assert.match(await po.page.locator('.govuk-error-summary').innerText(), /Select why the referral is returned/)
  await assertAccessible(po.page, 'referral-decision-errors')
  await po.page.selectOption('#reason', 'criteria_not_met')
  await po.page.fill('#note', 'Please complete a CAF with the family first.')
  await Promise.all([po.page.waitForNavigation(), po.page.click('button:has-text("Save the decision")')])
  assert.equal((await po.page.locator('#referral-status').innerText()).trim(), 'Returned')
  await po.context.close()

  const back = await signIn('referrer', { javaScript: false })
  await back.page.goto(`${base}/referrals`)
  assert.match(await back.page.locator('#referrals').innerText(), /Returned/)
  await assertAccessible(back.page, 'referrals-referrer')
  await back.page.goto(`${base}${path}`)
  assert.match(await back.page.locator('#return-reason').innerText(), /does not meet the programme/)
  assert.match(await back.page.locator('#return-guidance').innerText(), /early help assessment \(CAF\)/)
  assert.equal(await back.page.locator('#flags').count(), 0, 'the referrer sees nothing of partners\' data')
  await assertAccessible(back.page, 'referral-returned')
  await back.context.close()
})
