// Render LaTeX in titles and abstracts (elements with class "tex") with KaTeX.
// Without JavaScript the LaTeX source stays readable. Loaded with `defer`
// after KaTeX and its auto-render extension.
(function () {
    "use strict";
    if (typeof window.renderMathInElement !== "function") {
        return;
    }
    var options = {
        delimiters: [
            { left: "$$", right: "$$", display: true },
            { left: "\\[", right: "\\]", display: true },
            { left: "\\(", right: "\\)", display: false },
            { left: "$", right: "$", display: false },
        ],
        throwOnError: false,
    };

    // Keep a formula together with the text that touches it ("$\alpha$-divergence",
    // "($n$)"): a line may break around the pair, never between its parts.
    function keepWithNeighbours(formula, element) {
        // auto-render wraps each formula in a span of its own: start from the outermost
        // wrapper that has no siblings.
        while (formula.parentNode !== element && !formula.previousSibling && !formula.nextSibling) {
            formula = formula.parentNode;
        }
        var before = formula.previousSibling;
        var after = formula.nextSibling;
        var head = before && before.nodeType === Node.TEXT_NODE ? before.data.match(/\S+$/) : null;
        var tail = after && after.nodeType === Node.TEXT_NODE ? after.data.match(/^\S+/) : null;
        if (!head && !tail) {
            return;
        }
        var group = document.createElement("span");
        group.className = "tex-nowrap";
        formula.parentNode.insertBefore(group, formula);
        if (head) {
            before.data = before.data.slice(0, -head[0].length);
            group.appendChild(document.createTextNode(head[0]));
        }
        group.appendChild(formula);
        if (tail) {
            after.data = after.data.slice(tail[0].length);
            group.appendChild(document.createTextNode(tail[0]));
        }
    }

    function renderElement(element) {
        window.renderMathInElement(element, options);
        element.querySelectorAll(".katex").forEach(function (formula) {
            if (!formula.closest(".katex-display")) {
                keepWithNeighbours(formula, element);
            }
        });
    }

    // Every ".tex" element in ``root`` (and ``root`` itself if it is one). Other scripts
    // call it for what they add to the page (static/js/discussion.js: a new comment).
    function renderTex(root) {
        if (root.classList && root.classList.contains("tex")) {
            renderElement(root);
        }
        root.querySelectorAll(".tex").forEach(renderElement);
    }

    window.renderTex = renderTex;
    renderTex(document);
})();
