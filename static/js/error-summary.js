// A page that comes back with errors moves the focus to its error summary, as GOV.UK pages do,
// so a screen reader says "There is a problem" and the list before anything else.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
