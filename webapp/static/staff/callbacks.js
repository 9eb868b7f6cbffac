// Keys of the call-back worklist (webapp/staff/callbacks.py): Alt+<key> acts on the element with
// data-key="<key>": a link or a button is clicked, a field gets the focus. The same in every
// browser (native accesskeys differ: Alt, Alt+Shift, Ctrl+Alt), and never twice.
document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.key.length !== 1) return;
  const key = event.key.toLowerCase();
  const target = document.querySelector(`[data-key="${key}"]`);
  if (!target || target.disabled) return;
  event.preventDefault();
  if (target.matches("a, button")) target.click();
  else target.focus();
});
// One submit per form: a second Enter or click while the page is loading does nothing.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
});
