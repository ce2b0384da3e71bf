// The referral form's criteria check as the referrer ticks problems (progressive
// enhancement: without JavaScript the "Check the criteria" button asks the server, which
// says the same words).
const check = document.getElementById('criteria-check')
if (check) {
  const required = Number(check.dataset.required)
  const boxes = Array.from(document.querySelectorAll('input[name="problems"]'))
  const update = () => {
    const n = boxes.filter((b) => b.checked).length
    check.textContent = n >= required
      ? `${n} of the ${required} problems required: the family meets the criteria`
      : `${n} of the ${required} problems required`
  }
  boxes.forEach((b) => b.addEventListener('change', update))
  document.querySelectorAll('.hearth-no-js-only').forEach((e) => { e.hidden = true })
  update()
}
