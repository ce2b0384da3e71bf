// The information governance officer's pages in real headless Chromium (run by
// scripts/browser-tests, as hearth.test.mjs): the audit log searched with dates as people type
// them and paged, the objection register (a mistake, then an objection recorded and
// withdrawn), the national evaluation extract's page and the retention reports, and a
// person's requests (found from Subject access: correct an identifier → restrict processing →
// lift the restriction → erase, with its confirmation step), without JavaScript; axe-core on
// each.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { base, signIn, assertAccessible } from './lib.mjs'

test("the information governance officer's pages (no JavaScript)", async () => {
  const ig = await signIn('ig.officer', { javaScript: false })
  const { page } = ig
  await page.goto(`${base}/audit?from=1%2F1%2F2020&user_name=OFFICER`)
  assert.match(await page.locator('caption').first().innerText(), /lines/)
  await assertAccessible(page, 'audit-search')
  await page.goto(`${base}/audit?from=31%2F02%2F2025`)
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a real date/)
  await assertAccessible(page, 'audit-search-errors')

  await page.goto(`${base}/objections`)
  await assertAccessible(page, 'objections')
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Record the objection")')])
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Select whether a person or a whole family objects/)
  await assertAccessible(page, 'objections-errors')
  await page.check('#subject_kind-family')
  await page.fill('#subject_id', '1')
  await page.check('#scope')
  await page.fill('#received_on', '1 September 2025')
  await page.fill('#received_how', 'letter')
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Record the objection")')])
  const table = await page.locator('table').innerText()
  if (/Family 1/.test(table)) {
    await Promise.all([page.waitForNavigation(), page.locator('button:has-text("Withdraw")').first().click()])
    assert.match(await page.locator('table').innerText(), /Withdrawn/)
  } else {
    // Family 1 may not exist in this borough: the form says so beside the field.
    assert.match(await page.locator('.govuk-error-summary').innerText(), /no person or family with this ID/)
  }
  await assertAccessible(page, 'objections-recorded')

  await page.goto(`${base}/extract`)
  await assertAccessible(page, 'extract')
  await page.fill('#recipient', 'not a key')
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Make and download")')])
  assert.match(await page.locator('.govuk-error-summary').innerText(), /age public key/)
  await assertAccessible(page, 'extract-errors')

  await page.goto(`${base}/retention`)
  assert.match(await page.locator('h1').innerText(), /Retention and destruction/)
  await assertAccessible(page, 'retention')

  // Subject access: what is wrong is said beside the field; a person found gives a download.
  await page.goto(`${base}/subject-access`)
  await assertAccessible(page, 'subject-access')
  await page.fill('#name', 'Nobody Atall')
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Make the subject access document")')])
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the date of birth/)
  assert.equal(await page.locator('#name').inputValue(), 'Nobody Atall')
  await assertAccessible(page, 'subject-access-errors')
  await page.fill('#name', '')
  await page.fill('#person', '1')
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Make the subject access document")')])
  assert.equal(download.suggestedFilename(), 'subject-access-person-1.html')

  await page.goto(`${base}/sharing`)
  assert.match(await page.locator('h1').innerText(), /Data sharing agreements/)
  assert.match(await page.locator('table').innerText(), /\(example\)/)
  await assertAccessible(page, 'sharing')
  await ig.context.close()
})

test("a person's requests: rectify → restrict → lift → erase (no JavaScript)", async () => {
  // Someone in no eligible family, so the other files' families are untouched.
  const person = execFileSync('sqlite3', [process.env.HEARTH_STORE,
    'SELECT MAX(person_id) FROM person_record WHERE person_id NOT IN (SELECT fm.person_id FROM family_member fm JOIN family_assessment fa ON fa.family_id = fm.family_id WHERE fa.eligible = 1)']).toString().trim()
  assert.match(person, /^\d+$/)
  const ig = await signIn('ig.officer', { javaScript: false })
  const { page } = ig
  const submit = (name) => Promise.all([page.waitForNavigation(), page.click(`button:has-text("${name}")`)])
  const summary = async () => await page.locator('.govuk-error-summary').innerText()
  const banner = async () => await page.locator('#done').innerText()

  await page.goto(`${base}/subject-access`)
  await page.fill('#person', person)
  await submit('Find the person to correct, restrict or erase')
  assert.equal(new URL(page.url()).pathname, `/rights/people/${person}`)
  assert.match(await page.locator('h1').innerText(), /A person's requests/)
  await assertAccessible(page, 'rights-person')

  // Correct an identifier: a mistake first, said in the summary and beside the field.
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Correct an identifier")')])
  await assertAccessible(page, 'rights-rectify')
  await page.check('#field-nhs_number')
  await page.fill('#value', '943 476 5918')
  await submit('Correct the identifier')
  assert.match(await summary(), /check digit/)
  assert.match(await summary(), /Enter the reason/)
  assert.match(await page.locator('#value-error').innerText(), /check digit/)
  assert.equal(await page.locator('#value').inputValue(), '943 476 5918')
  await assertAccessible(page, 'rights-rectify-errors')
  await page.check('#field')
  await page.fill('#value', 'Browsertest')
  await page.fill('#reason', 'Birth certificate seen')
  await submit('Correct the identifier')
  assert.match(await banner(), /corrected/)
  assert.match(await page.locator('#identifiers').innerText(), /Browsertest/)

  // Restrict processing, then lift it.
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Restrict processing")')])
  await assertAccessible(page, 'rights-restrict')
  await submit('Restrict processing')
  assert.match(await summary(), /Select the lawful ground/)
  await assertAccessible(page, 'rights-restrict-errors')
  await page.check('#ground')
  await page.fill('#reason', 'Accuracy contested')
  await page.fill('#received_how', 'Letter of 01/09/2025')
  await submit('Restrict processing')
  assert.match(await banner(), /restricted/)
  assert.match(await page.locator('#restrictions').innerText(), /In force/)
  await assertAccessible(page, 'rights-person-restricted')
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Lift a restriction")')])
  await assertAccessible(page, 'rights-lift')
  await page.check('#restriction')
  await page.fill('#reason', 'Accuracy checked')
  await page.fill('#received_how', 'Email')
  await submit('Lift the restriction')
  assert.match(await banner(), /lifted/)
  assert.match(await page.locator('#restrictions').innerText(), /Lifted/)

  // Erase: the ground and reason, what will be removed with the tombstone, then the result.
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Erase")')])
  await assertAccessible(page, 'rights-erase')
  await submit('Continue')
  assert.match(await summary(), /Select the lawful ground/)
  await assertAccessible(page, 'rights-erase-errors')
  await page.check('#ground')
  await page.fill('#reason', 'No longer necessary')
  await submit('Continue')
  assert.match(await page.locator('h1').innerText(), /Check the erasure/)
  assert.match(await page.locator('#tombstone').innerText(), /re-sending/)
  await assertAccessible(page, 'rights-erase-confirm')
  await submit(`Erase person ${person}`)
  assert.match(await page.locator('h1').innerText(), new RegExp(`Person ${person} erased`))
  await assertAccessible(page, 'rights-erased')
  const gone = await page.goto(`${base}/rights/people/${person}`)
  assert.equal(gone.status(), 404)
  await ig.context.close()
})
