// The discussion under a paper, in place. Without this script every form works on
// its own (POST, then the server sends the page back at #comment-<id>, or a page with
// the preview or the errors). With it, the same forms are sent with fetch and the
// server's answer is put on the page: a preview, a new comment or reply (math
// rendered by static/js/math.js), a comment's upvote. No inline script: the CSRF
// token is each form's own hidden field.
(function () {
    "use strict";

    function jsonPost(form, extra) {
        var body = new FormData(form);
        Object.keys(extra || {}).forEach(function (key) { body.set(key, extra[key]); });
        return fetch(form.action, {
            method: "POST",
            body: body,
            headers: {Accept: "application/json"},
            credentials: "same-origin",
        }).then(function (response) {
            return response.json().catch(function () { return null; }).then(function (data) {
                if (response.status === 401 && data && data.login_url) {
                    window.location.assign(data.login_url);
                    return new Promise(function () {});
                }
                return {ok: response.ok, status: response.status, data: data || {}};
            });
        });
    }

    function renderMath(element) {
        if (typeof window.renderTex === "function") {
            window.renderTex(element);
        }
    }

    function say(form, text) {
        var status = form.querySelector(".comment-form-status");
        if (status) {
            status.textContent = text;
        }
    }

    function insertComment(form, data) {
        var section = document.getElementById("discussion");
        var holder = document.createElement("template");
        holder.innerHTML = data.html.trim();
        var item = holder.content.firstElementChild;
        if (data.parent) {
            var thread = form.closest(".comment-thread");
            thread.querySelector(".comment-replies").appendChild(item);
            var box = form.closest("details");
            if (box) {
                box.open = false;
            }
        } else {
            var list = section.querySelector(".comment-threads");
            var empty = list.querySelector(".comment-empty");
            if (empty) {
                empty.remove();
            }
            if (section.dataset.order === "newest") {
                list.insertBefore(item, list.firstElementChild);
            } else {
                list.appendChild(item);
            }
        }
        renderMath(item);
        var comment = document.getElementById("comment-" + data.id);
        if (comment) {
            comment.classList.add("is-new");
            comment.setAttribute("tabindex", "-1");
            comment.focus({preventScroll: true});
            comment.scrollIntoView({block: "nearest"});
        }
        document.querySelectorAll(".discussion-count").forEach(function (count) {
            count.textContent = data.comment_count;
        });
    }

    function onCommentSubmit(form, submitter) {
        var preview = form.querySelector(".comment-preview");
        var textarea = form.querySelector("textarea[name=body]");
        if (submitter && submitter.name === "preview") {
            say(form, "Preparing the preview…");
            return jsonPost(form, {preview: "1"}).then(function (answer) {
                if (!answer.ok) {
                    say(form, answer.data.message || "The preview could not be made.");
                    return;
                }
                preview.innerHTML = answer.data.preview_html;
                preview.hidden = false;
                renderMath(preview);
                say(form, "Preview below the text box. Post it when it looks right.");
            });
        }
        say(form, "Posting…");
        return jsonPost(form).then(function (answer) {
            if (!answer.ok) {
                say(form, answer.data.message || "Your comment could not be posted. Please try again.");
                return;
            }
            insertComment(form, answer.data);
            textarea.value = "";
            preview.hidden = true;
            preview.innerHTML = "";
            say(form, answer.data.held
                ? "Thank you! Your comment will be visible to everyone once a moderator approves it."
                : "Posted.");
        });
    }

    function onVoteSubmit(form) {
        return jsonPost(form).then(function (answer) {
            if (!answer.ok) {
                return;
            }
            var button = form.querySelector(".comment-vote");
            form.querySelector("input[name=vote]").value = answer.data.voted ? "down" : "up";
            button.setAttribute("aria-pressed", answer.data.voted ? "true" : "false");
            button.title = answer.data.voted ? "Remove your upvote" : "Upvote this comment";
            form.querySelector(".comment-vote-count").textContent = answer.data.upvote_count;
        });
    }

    document.addEventListener("submit", function (event) {
        var form = event.target;
        if (!(form instanceof HTMLFormElement)) {
            return;
        }
        var handler = null;
        if (form.classList.contains("comment-form")) {
            handler = function () { return onCommentSubmit(form, event.submitter); };
        } else if (form.classList.contains("comment-vote-form")) {
            handler = function () { return onVoteSubmit(form); };
        }
        if (!handler) {
            return;
        }
        event.preventDefault();
        if (form.getAttribute("aria-busy") === "true") {
            return;  // one request at a time per form
        }
        form.setAttribute("aria-busy", "true");
        handler()
            .catch(function () {
                say(form, "You seem to be offline: nothing was sent. Please try again.");
            })
            .finally(function () {
                form.removeAttribute("aria-busy");
            });
    });
}());
