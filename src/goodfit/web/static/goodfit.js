// goodfit web app: small progressive enhancements only; every page works without script.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.classList && (form.classList.contains("reject") || form.classList.contains("offboard"))) {
    if (!window.confirm("Are you sure?")) { event.preventDefault(); }
  }
});
