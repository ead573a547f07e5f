// Upvote buttons without a page reload. Without this script each button is a
// plain form: POST, then the server redirects back. With it, the form is sent
// with fetch and the button shows the server's answer (vote state and count).
// No inline script and no token in JavaScript: the CSRF token is the form's own
// hidden field, sent in the body.
(function () {
    "use strict";

    var numberFormat = new Intl.NumberFormat("en-US");
    var status = null;

    function announce(text) {
        if (!status) {
            status = document.createElement("div");
            status.className = "vote-status";
            status.setAttribute("role", "status");
            document.body.appendChild(status);
        }
        status.textContent = text;
        status.classList.toggle("is-visible", Boolean(text));
        if (text) {
            window.clearTimeout(announce.timer);
            announce.timer = window.setTimeout(function () { announce(""); }, 5000);
        }
    }

    function show(form, voted, count) {
        var button = form.querySelector(".vote-button");
        form.querySelector("input[name=vote]").value = voted ? "down" : "up";
        button.setAttribute("aria-pressed", voted ? "true" : "false");
        button.title = voted ? "Remove your upvote" : "Upvote this paper";
        form.querySelector(".vote-count").textContent = numberFormat.format(count);
        form.querySelector(".vote-label").textContent = count === 1 ? "upvote" : "upvotes";
    }

    // The paper page's "Why this is trending" panel follows the vote (and appears with
    // the first one).
    function explain(data) {
        var panel = document.querySelector("[data-trending-for=\"" + data.paper + "\"]");
        if (!panel || !data.trending) {
            return;
        }
        var values = {
            upvote_count: numberFormat.format(data.upvote_count),
            votes_last_day: numberFormat.format(data.trending.votes_last_day),
            votes_last_week: numberFormat.format(data.trending.votes_last_week),
            score: data.trending.score.toFixed(2),
        };
        Object.keys(values).forEach(function (name) {
            var field = panel.querySelector("[data-trending=" + name + "]");
            if (field) {
                field.textContent = values[name];
            }
        });
        panel.hidden = data.upvote_count === 0;
    }

    document.addEventListener("submit", function (event) {
        var form = event.target;
        if (!(form instanceof HTMLFormElement) || !form.classList.contains("vote-form")) {
            return;
        }
        event.preventDefault();
        if (form.getAttribute("aria-busy") === "true") {
            return;  // one request at a time per button
        }
        form.setAttribute("aria-busy", "true");
        fetch(form.action, {
            method: "POST",
            body: new FormData(form),
            headers: {Accept: "application/json"},
            credentials: "same-origin",
        })
            .then(function (response) {
                return response.json().catch(function () { return null; }).then(function (data) {
                    if (response.status === 401 && data && data.login_url) {
                        window.location.assign(data.login_url);
                        return;
                    }
                    if (!response.ok || !data) {
                        announce((data && data.message) || "Your vote could not be saved. Please reload the page and try again.");
                        return;
                    }
                    // The same paper can be on the page twice (e.g. a featured card).
                    var same = document.querySelectorAll("form.vote-form[action=\"" + CSS.escape(form.getAttribute("action")) + "\"]");
                    Array.prototype.forEach.call(same, function (other) {
                        show(other, data.voted, data.upvote_count);
                    });
                    explain(data);
                    announce(data.voted ? "Upvoted." : "Upvote removed.");
                });
            })
            .catch(function () {
                announce("You seem to be offline: your vote was not saved.");
            })
            .finally(function () {
                form.removeAttribute("aria-busy");
            });
    });
}());
