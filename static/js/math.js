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
    document.querySelectorAll(".tex").forEach(function (element) {
        window.renderMathInElement(element, options);
    });
})();
