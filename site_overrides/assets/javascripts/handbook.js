// Name each task-list checkbox after its item: pymdownx.tasklist renders the checkbox in a
// label of its own with no text, so screen readers would announce an unnamed checkbox.
document.querySelectorAll(".task-list-item > .task-list-control > input[type=checkbox]")
  .forEach(function (box) {
    var item = box.closest(".task-list-item");
    var text = item ? item.textContent.replace(/\s+/g, " ").trim() : "";
    if (text && !box.hasAttribute("aria-label")) box.setAttribute("aria-label", text);
  });
