// Drag and drop on the programme builder: dropping a session on a column moves it there, at the
// quarter-hour where its top edge lands, by filling and sending the page's move form (the same
// request as the session page's move form, which is the keyboard way to do it).
"use strict";
(function () {
  const table = document.querySelector(".timetable");
  const form = document.getElementById("move-form");
  if (!table || !form) return;
  const rows = Number(table.dataset.rows);
  const firstHour = Number(table.dataset.firstHour);
  let grab = 0;
  table.addEventListener("dragstart", (event) => {
    const block = event.target.closest("[data-session]");
    if (!block) return;
    grab = event.clientY - block.getBoundingClientRect().top;
    event.dataTransfer.setData("text/plain", block.dataset.session);
    event.dataTransfer.effectAllowed = "move";
  });
  for (const column of table.querySelectorAll("ol.slots[data-room]")) {
    column.addEventListener("dragover", (event) => { event.preventDefault(); column.classList.add("over"); });
    column.addEventListener("dragleave", () => column.classList.remove("over"));
    column.addEventListener("drop", (event) => {
      event.preventDefault();
      column.classList.remove("over");
      const id = event.dataTransfer.getData("text/plain");
      if (!/^\d+$/.test(id)) return;
      const box = column.getBoundingClientRect();
      const row = Math.max(0, Math.min(rows - 1, Math.round((event.clientY - box.top - grab) / (box.height / rows))));
      const minutes = firstHour * 60 + row * 15;
      const pad = (n) => String(n).padStart(2, "0");
      form.action = table.dataset.moveBase + id + "/move";
      form.elements.starts.value = pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
      form.elements.room.value = column.dataset.room;
      form.submit();
    });
  }
})();
