"""Reference predictions for the k-NN tests: scikit-learn's brute-force neighbours.

Reads one JSON document on stdin: {"x": [[...]], "y": [...], "queries": [[...]], "k": 5,
"predictor_type": "regressor" | "classifier", "metric": "euclidean" | "cosine"}; prints
{"predictions": [...], "distances": [[...]], "indices": [[...]]}.
"""
import json
import sys

import numpy as np
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

doc = json.load(sys.stdin)
x = np.array(doc["x"], dtype=np.float64)
y = np.array(doc["y"], dtype=np.float64)
q = np.array(doc["queries"], dtype=np.float64)
cls = KNeighborsClassifier if doc["predictor_type"] == "classifier" else KNeighborsRegressor
model = cls(n_neighbors=doc["k"], algorithm="brute", metric=doc["metric"]).fit(x, y)
dist, idx = model.kneighbors(q)
print(json.dumps({"predictions": model.predict(q).tolist(), "distances": dist.tolist(), "indices": idx.tolist()}))
