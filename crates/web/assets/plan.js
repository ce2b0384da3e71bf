// The family plan's goal form, with JavaScript on: the measures offered are only those of
// the problem chosen (each problem's measures are an <optgroup> labelled with the problem).
// Without JavaScript every problem's measures are listed under its name, and the server
// refuses a measure of another problem beside the field.
const problem = document.getElementById('goal_problem')
const measure = document.getElementById('measure')
if (problem && measure) {
  const show = () => {
    const chosen = problem.selectedOptions[0]
    const label = chosen && chosen.value ? chosen.textContent.trim() : null
    for (const group of measure.querySelectorAll('optgroup')) {
      const mine = label === null || group.label === label
      group.hidden = !mine
      group.disabled = !mine
    }
    const selected = measure.selectedOptions[0]
    if (selected && selected.parentElement.tagName === 'OPTGROUP' && selected.parentElement.disabled) {
      measure.value = ''
    }
  }
  problem.addEventListener('change', show)
  show()
}
