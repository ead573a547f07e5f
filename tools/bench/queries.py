"""The benchmark's fixed search workload: what readers type, broadest first.

``SEARCH_QUERIES`` is measured as written (``/papers/?q=...``) and again with
facets chosen (``FACETED``: a topic, a category and "with code"), cold (the
cache emptied before each pass). It includes the broadest searches the
catalogue has: single common words ("learning", "model"), a two-word phrase
that half the catalogue matches ("neural network"), a quoted phrase, and the
empty query with three facets chosen (``EMPTY_WITH_FACETS``). Change the list
only with a note in docs/performance.md: results are compared across runs.
"""

from urllib.parse import urlencode

SEARCH_QUERIES = [
    # The broadest: most of the catalogue matches.
    "learning",
    "model",
    "neural network",
    "data",
    "network",
    "efficient",
    '"graph neural network"',
    '"language model"',
    # Common two- and three-word searches.
    "graph neural network",
    "diffusion model",
    "language model",
    "reinforcement learning",
    "vision transformer",
    "mixture of experts",
    "state space model",
    "world model",
    "reward model",
    "contrastive learning",
    "self-supervised learning",
    "federated learning",
    "continual learning",
    "domain adaptation",
    "active learning",
    "code generation",
    "machine translation",
    "question answering",
    "object detection",
    "image segmentation",
    "speech recognition",
    "time series forecasting",
    "theorem proving",
    "protein structure prediction",
    "molecule generation",
    "robotic manipulation",
    "visual navigation",
    "anomaly detection",
    "recommendation",
    "summarization",
    "mathematical reasoning",
    "program synthesis",
    "drug discovery",
    "autonomous driving",
    "link prediction",
    "node classification",
    "combinatorial optimization",
    "causal discovery",
    # Narrower and longer searches.
    "diffusion policy planning",
    "graph neural network robustness",
    "sparse mixture of experts routing",
    "low-rank adapter quantization",
    "offline reinforcement learning reward model",
    "equivariant neural operator",
    "chain-of-thought reasoning verifier",
    "gaussian process uncertainty calibration",
    "retrieval-augmented language model",
    "physics-informed neural operator weather forecasting",
    "transformer -vision",
    "spectral laplacian eigenvalue",
]

# The faceted pass narrows each query with these (the topic is the largest one).
FACETED_CATEGORY = "cs.LG"


def search_paths(topic_slug: str) -> tuple[list[str], list[str]]:
    """``(plain, faceted)`` paths: each query alone, and with three facets chosen;
    the faceted list also has the empty query with the three facets."""
    plain = [f"/papers/?{urlencode({'q': q})}" for q in SEARCH_QUERIES]
    facets = {"topic": topic_slug, "category": FACETED_CATEGORY, "has_code": "true"}
    faceted = [f"/papers/?{urlencode({'q': q, **facets})}" for q in SEARCH_QUERIES]
    faceted.append(f"/papers/?{urlencode(facets)}")  # the empty query, three facets
    return plain, faceted
