"""Speed, behind one door: the tuned kernels that ``train(engine=...)`` and ``train_many``/``sweep``
use. Nothing in the readable core imports this package; it takes its formulas from the
registries (``activations.py``, ``losses.py``) and is checked against ``engine="reference"``.
"""
