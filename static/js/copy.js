// "Copy" buttons: <button data-copy-target="ID" hidden> copies the text of the
// element with that id to the clipboard. The button stays hidden without
// JavaScript (the text is on the page and a download link sits beside it).
// No inline script: loaded from the page head with defer.
(function () {
    "use strict";

    function statusFor(button) {
        var row = button.closest(".link-row") || button.parentElement;
        return row ? row.querySelector(".copy-status") : null;
    }

    function say(button, text) {
        var status = statusFor(button);
        if (!status) {
            return;
        }
        status.textContent = text;
        window.clearTimeout(button.copyTimer);
        button.copyTimer = window.setTimeout(function () { status.textContent = ""; }, 4000);
    }

    function selectText(element) {
        var range = document.createRange();
        range.selectNodeContents(element);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }

    function copy(button) {
        var target = document.getElementById(button.getAttribute("data-copy-target"));
        if (!target) {
            return;
        }
        var text = target.textContent;
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(text).then(
                function () { say(button, "Copied to the clipboard."); },
                function () { selectText(target); say(button, "Selected: press Ctrl+C (⌘C) to copy."); }
            );
            return;
        }
        selectText(target);
        var copied = false;
        try {
            copied = document.execCommand("copy");
        } catch (error) {
            copied = false;
        }
        say(button, copied ? "Copied to the clipboard." : "Selected: press Ctrl+C (⌘C) to copy.");
    }

    function init() {
        var buttons = document.querySelectorAll("button[data-copy-target]");
        Array.prototype.forEach.call(buttons, function (button) {
            button.hidden = false;
            button.addEventListener("click", function () { copy(button); });
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}());
