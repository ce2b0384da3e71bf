// What the browser tests share (run by scripts/browser-tests): the demo server's address and
// sign-ins, one headless Chromium per test file, signing in (optionally with JavaScript off),
// and axe-core on a page (serious or critical violations fail) with its screenshot in
// HEARTH_SCREENSHOTS (docs/screenshots by default; empty: none).
import { before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
export const base = process.env.HEARTH_URL
if (!base) throw new Error('set HEARTH_URL')
const signInsFile = JSON.parse(readFileSync(process.env.HEARTH_SIGN_INS, 'utf8'))
export const signIns = signInsFile.accounts
/** The families the demo assigned to lead.worker. */
export const assignedToLeadWorker = signInsFile.assigned_to_lead_worker
export const shots = process.env.HEARTH_SCREENSHOTS
if (shots) mkdirSync(shots, { recursive: true })

let browser
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  })
})
after(async () => { await browser?.close() })

// Pages opened with JavaScript off: axe cannot run in them (page.evaluate never returns), so
// their HTML is checked in a JavaScript-enabled copy.
const noJavaScript = new WeakSet()

const contextOptions = (javaScript, width) => ({ javaScriptEnabled: javaScript, bypassCSP: true, viewport: { width, height: 900 } })

/** A fresh browser context (nobody signed in), `width` px wide. */
export async function newContext ({ javaScript = true, width = 1280 } = {}) {
  return await browser.newContext(contextOptions(javaScript, width))
}

/** Signs `user` in (password from the demo's sign-ins) in a fresh browser context, at the
 * server `at` (the demo's by default), `width` px wide. */
export async function signIn (user, { javaScript = true, at = base, width = 1280 } = {}) {
  const context = await newContext({ javaScript, width })
  const page = await context.newPage()
  if (!javaScript) noJavaScript.add(page)
  await page.goto(`${at}/sign-in`)
  await page.fill('#user_name', user)
  await page.fill('#password', signIns[user].password)
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign in")')])
  return { context, page }
}

/** The page's screenshot `name`.png in HEARTH_SCREENSHOTS (none when it is empty). */
export async function screenshot (page, name, fullPage = true) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage })
}

/** axe-core on the page: no serious or critical violation (nor, with `region`, content
 * outside landmarks — moderate in axe), then its screenshot `shot`.png (`label` by default;
 * `null`: none). */
export async function assertAccessible (original, label, { shot = label, region = false } = {}) {
  let page = original
  let copy
  if (noJavaScript.has(original)) {
    copy = await newContext()
    page = await copy.newPage()
    const html = (await original.content()).replace('<head>', `<head><base href="${base}/">`)
    await page.setContent(html, { waitUntil: 'load' })
  }
  try {
    await page.evaluate(axeSource)
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }))
    const bad = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical' || (region && v.id === 'region'))
    assert.deepEqual(bad.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')})`), [],
      `${label}: accessibility violations`)
    if (shot) await screenshot(page, shot)
  } finally {
    await copy?.close()
  }
}
