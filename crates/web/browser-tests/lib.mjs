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
export const signIns = JSON.parse(readFileSync(process.env.HEARTH_SIGN_INS, 'utf8')).accounts
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

const contextOptions = (javaScript) => ({ javaScriptEnabled: javaScript, bypassCSP: true, viewport: { width: 1280, height: 900 } })

/** Signs `user` in (password from the demo's sign-ins) in a fresh browser context. */
export async function signIn (user, { javaScript = true } = {}) {
  const context = await browser.newContext(contextOptions(javaScript))
  const page = await context.newPage()
  if (!javaScript) noJavaScript.add(page)
  await page.goto(`${base}/sign-in`)
  await page.fill('#user_name', user)
  await page.fill('#password', signIns[user].password)
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign in")')])
  return { context, page }
}

/** axe-core on the page (no serious or critical violation), then its screenshot `label`.png. */
export async function assertAccessible (original, label) {
  let page = original
  let copy
  if (noJavaScript.has(original)) {
    copy = await browser.newContext(contextOptions(true))
    page = await copy.newPage()
    const html = (await original.content()).replace('<head>', `<head><base href="${base}/">`)
    await page.setContent(html, { waitUntil: 'load' })
  }
  try {
    await page.evaluate(axeSource)
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }))
    const bad = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    assert.deepEqual(bad.map(v => `${v.id}: ${v.help} (${v.nodes.length})`), [], `${label}: serious or critical accessibility violations`)
    if (shots) await page.screenshot({ path: `${shots}/${label}.png`, fullPage: true })
  } finally {
    await copy?.close()
  }
}
