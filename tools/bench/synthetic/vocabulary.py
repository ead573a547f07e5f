"""Word lists for the synthetic catalogue: enough technical vocabulary that
full-text search has real work to do, and names that look like people's."""

ADJECTIVES = """
scalable efficient robust sparse hierarchical self-supervised multimodal causal federated
differentiable contrastive generative autoregressive probabilistic adaptive lightweight
interpretable equivariant invariant continual zero-shot few-shot unsupervised
semi-supervised offline online distributed decentralized quantized low-rank structured
compositional modular memory-efficient data-efficient sample-efficient uncertainty-aware
physics-informed goal-conditioned instruction-tuned retrieval-augmented long-context
energy-based
""".split()

METHODS = [
    "transformer", "diffusion model", "graph neural network", "world model", "policy",
    "language model", "mixture of experts", "state space model", "retriever", "reward model",
    "vision transformer", "autoencoder", "contrastive encoder", "normalizing flow",
    "neural operator", "implicit neural representation", "recurrent network",
    "convolutional network", "bandit algorithm", "planner", "value function", "tokenizer",
    "kernel method", "gaussian process", "variational inference scheme", "optimizer",
    "attention mechanism", "adapter", "prompting strategy", "agent framework",
    "reasoning engine", "theorem prover", "code model", "speech model", "video model",
    "point cloud network", "message passing scheme", "hypernetwork", "distillation scheme",
    "curriculum", "search procedure", "verifier", "critic", "embedding model",
]  # fmt: skip

TASKS = [
    "visual navigation", "theorem proving", "code generation", "protein structure prediction",
    "machine translation", "image segmentation", "question answering", "robotic manipulation",
    "speech recognition", "time series forecasting", "molecule generation",
    "text-to-image synthesis",
    "video generation", "recommendation", "anomaly detection", "object detection",
    "semantic parsing", "dialogue", "summarization", "mathematical reasoning", "program synthesis",
    "weather forecasting", "drug discovery", "materials design", "autonomous driving",
    "link prediction", "node classification", "graph generation", "combinatorial optimization",
    "causal discovery", "survival analysis", "offline reinforcement learning",
    "multi-agent coordination", "game playing", "motion planning", "depth estimation",
    "pose estimation", "visual question answering", "information retrieval",
    "sentiment analysis", "named entity recognition", "relation extraction",
    "model merging", "hyperparameter optimization", "neural architecture search",
    "federated learning", "continual learning", "domain adaptation", "active learning",
    "submodular maximization", "urban mobility modeling", "climate modeling",
]  # fmt: skip

TERMS = """
attention gradient representation embedding token latent prior posterior likelihood reward
policy trajectory rollout horizon curriculum benchmark dataset baseline ablation scaling
pretraining finetuning alignment preference feedback distillation compression quantization
pruning sparsity regularization generalization overfitting robustness calibration
uncertainty ensemble bootstrap sampling inference decoding beam search temperature
perplexity entropy divergence kernel manifold geometry symmetry equivariance invariance
convolution recurrence memory retrieval context window prompt instruction chain-of-thought
reasoning planning search exploration exploitation regret bandit value advantage critic
actor simulator environment agent multi-agent communication cooperation competition
equilibrium game mechanism auction graph node edge hypergraph subgraph motif community
centrality diffusion random walk spectral laplacian eigenvalue matrix tensor factorization
decomposition low-rank adapter lora prefix mixture expert router gating load balancing
throughput latency hardware accelerator kernel memory footprint parallelism pipeline
sharding checkpoint optimizer momentum learning rate warmup schedule batch normalization
layer residual skip connection depth width initialization loss objective contrastive triplet
margin hinge cross-entropy mean squared error calibration vision language audio speech video
image pixel patch frame point cloud mesh voxel scene object segmentation detection tracking
depth pose keypoint navigation manipulation grasping locomotion control dynamics physics
simulation world model forecasting causal counterfactual intervention confounder treatment
effect survival hazard bayesian variational elbo sampler markov chain monte carlo
hamiltonian langevin score matching denoising noise schedule sde ode flow matching transport
wasserstein optimal coupling theorem proof lemma formal verification program synthesis code
repository compiler interpreter type system symbolic neuro-symbolic knowledge graph ontology
entity relation extraction summarization translation dialogue question answering
hallucination factuality toxicity bias fairness privacy differential federated client server
aggregation communication-efficient secure watermark membership adversarial attack defense
jailbreak red-teaming evaluation leaderboard human annotation crowdsourcing label noise weak
supervision self-training pseudo-label augmentation mixup tokenizer vocabulary multilingual
low-resource morphology syntax semantics pragmatics protein molecule crystal material
catalyst drug binding affinity docking genome cell climate weather satellite remote sensing
urban traffic mobility epidemiology finance recommendation ranking click-through
retrieval-augmented index vector database approximate nearest neighbour hashing clustering
dimensionality reduction interpretability attribution saliency probing circuit mechanistic
feature superposition grokking phase transition emergence scaling law compute budget data
mixture deduplication filtering synthetic data
""".split()

DATASETS = [
    "ImageNet", "COCO", "CIFAR-100", "MMLU", "GSM8K", "HumanEval", "miniF2F", "LibriSpeech",
    "Atari", "MuJoCo", "D4RL", "OGB", "Cora", "WikiText-103", "SQuAD", "Kinetics-400",
    "ScanNet", "nuScenes", "QM9", "PDBbind", "ERA5", "MovieLens", "BEIR", "Habitat",
]  # fmt: skip

SYLLABLES = """
vi nt sub goal xl dino wm gra fo mer ten so net lu ma ra ze pho ton qua si neu ro cor tex hy
per flux mo sa ic ver ba lo gos pri sm ae gis or bit cas cade hel ix nim bus vec tor pla to
kai ros the ta sig ma del ta lam bda kap pa om ni syn apse ax on den drite
""".split()

FIRST_NAMES = """
Aarav Abigail Adrian Aisha Akira Alejandro Alessandro Alexei Alice Amara Amir Ana Andrea
Anika Anton Arjun Astrid Ava Ayumi Beatriz Benjamin Bilal Bjorn Camila Carlos Chen Chiara
Chloe Daniel Daria Dev Diego Dmitri Elena Elif Emma Emre Erik Esther Fatima Felix Fernando
Freya Gabriel Giulia Hannah Hao Haruto Hassan Helena Hiroshi Ibrahim Ines Ingrid Isabel Ivan
Jakob James Jana Javier Ji-woo Jin Joao Jonas Julia Jun Kai Karim Katarzyna Kenji Kofi Lars
Laura Lei Leila Lena Leo Li Liam Lina Lucas Luca Mai Malik Marco Maria Mariam Mateo Mei Mia
Mikhail Ming Mohammed Nadia Naoki Nikhil Nina Noah Nora Olga Omar Oscar Pablo Paolo Pedro
Priya Qian Rafael Rahul Ravi Rin Rosa Ruben Sakura Samuel Sara Sebastian Sergei Shreya Sofia
Soo-ah Stefan Sven Takumi Tariq Tomas Valentina Victor Wei Xin Yara Yasmin Yi Yuki Yusuf
Zara Zhang Zoe Ahmed Bruno Clara Dario Eva Farah Gustav Hugo Ilya Jasmine Kira Lorenzo Milan
Nils
""".split()

LAST_NAMES = """
Abe Adeyemi Agarwal Ahmadi Alvarez Andersen Araujo Bae Banerjee Becker Bergstrom Bianchi
Brandt Cao Castro Chandra Chatterjee Chen Cho Costa Dang Das Dubois Eriksson Esposito
Fischer Fujita Garcia Ghosh Gomez Gupta Haddad Hansen Hashimoto Hoffmann Horvath Huang
Ibrahim Ito Iyer Jensen Jiang Johansson Kang Kato Khan Kim Klein Kobayashi Kowalski Kumar
Kuznetsov Lambert Larsen Lee Lehmann Li Lin Liu Lopez Ma Martin Matsumoto Mehta Meyer Moreau
Morozov Murphy Nakamura Nguyen Nielsen Novak Okafor Olsen Ortiz Park Patel Peng Petrov Pham
Popescu Qiu Rahman Rao Reddy Ricci Rossi Saito Santos Sato Schmidt Schneider Sharma Shen
Silva Singh Smirnov Sokolov Song Suzuki Takahashi Tan Tanaka Thomas Tran Vasquez Volkov
Wagner Wang Watanabe Weber Wu Xu Yamamoto Yang Yilmaz Yoshida Zhang Zhao Zhou Zhu Zimmermann
Bauer Conti Dimitrov Eze Farouk Gallo Haas Ishikawa Jovanovic Karlsson Lindqvist Mancini
Nowak Oyelaran Pereira
""".split()

FRAMEWORKS = ["pytorch", "pytorch", "pytorch", "pytorch", "jax", "tf", "pytorch", "jax"]
LANGUAGES = ["Python", "Python", "Python", "Python", "C++", "Jupyter Notebook", "Julia", "Rust"]

CATEGORIES = [
    ("cs.LG", 30), ("cs.CL", 20), ("cs.CV", 20), ("cs.AI", 12), ("cs.RO", 5), ("stat.ML", 6),
    ("cs.IR", 2), ("cs.NE", 2), ("cs.SI", 1), ("cs.CR", 1), ("eess.AS", 1), ("math.OC", 1),
    ("cs.MA", 1), ("cs.DB", 1), ("q-bio.QM", 1), ("cs.GT", 1),
]  # fmt: skip

TOPICS = [
    "Reinforcement Learning", "Large Language Models", "Reasoning", "Robotics & Embodied AI",
    "Graph Learning & Network Science", "World Models & Video Generation",
    "Theorem Proving & Mathematical Reasoning", "Multi-Agent Systems & Game Theory",
    "Model Merging, Selection & Routing", "Submodular & Combinatorial Optimization",
    "Benchmarks & Evaluation", "Surveys", "Computer Vision", "Diffusion Models",
    "Efficient Inference", "Alignment & Safety", "Speech & Audio", "AI for Science & Applications",
    "Statistics & Causal Inference", "Optimization", "Retrieval & Recommendation",
    "Interpretability", "Federated & Private Learning", "Code Generation",
]  # fmt: skip
