// The "+" beside a list of checkboxes (a way's requirements): Django's popup adds the new row to a
// <select>, and does nothing for checkboxes. Here it becomes a ticked checkbox, so the form and
// what was typed in it stay as they are.
// Django's script may come after this one: the function is wrapped once every script has run.
"use strict";
window.addEventListener("load", () => {
    const djangos = window.dismissAddRelatedObjectPopup;
    window.dismissAddRelatedObjectPopup = function(win, newId, newRepr, optgroup) {
        const id = win.name.replace(/__\d+$/, "");
        const list = document.getElementById(id);
        if (!list || list.nodeName.toUpperCase() !== "DIV") {
            djangos(win, newId, newRepr, optgroup);
            return;
        }
        const index = list.querySelectorAll("input[type=checkbox]").length;
        const input = document.createElement("input");
        input.type = "checkbox";
        input.name = id.replace(/^id_/, "");
        input.value = newId;
        input.id = `${id}_${index}`;
        input.checked = true;
        const label = document.createElement("label");
        label.htmlFor = input.id;
        label.append(input, " ", newRepr);
        const row = document.createElement("div");
        row.append(label);
        list.append(row);
        win.close();
    };
});
