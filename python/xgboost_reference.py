"""Reference runs of the real xgboost (Debian's python3-xgboost 1.7.4, the library inside the
SageMaker xgboost 1.7-1 image) for mme's interoperability tests and benchmarks.

Data files are headerless CSV, label first, an empty field = missing (NaN), as the SageMaker
xgboost container reads text/csv (docs/aws-behaviour.md#xgboost).

Commands (each prints one JSON document on stdout):

* ``train --train T.csv [--validation V.csv] --params P.json --out PREFIX [--predict X.csv]``
  trains with ``xgb.train`` as the container does (``num_round`` and ``early_stopping_rounds``
  taken out of the parameters, early stopping on the validation set with save_best=True), then
  writes PREFIX.json, PREFIX.ubj, PREFIX (no extension: xgboost's binary format), PREFIX.pkl
  (``pickle.dump(booster)``) and, with --predict, the predictions of the rows of X.csv
  (``ntree_limit=best_ntree_limit`` when early stopping set it, as the container predicts).
* ``predict --model FILE --data X.csv [--libsvm]`` loads a model as the container's serving
  code does (pickle first, else ``Booster.load_model``) and prints its predictions; with
  --libsvm the data file is libsvm text, read by xgboost itself (absent entries = missing).
* ``pickles --model PREFIX --out DIR`` writes, from the binary model PREFIX, the pickles the
  SageMaker containers and users have produced over the xgboost versions (the Booster's
  "handle" payload differs by writing version): ``p17-proto3.pkl`` and ``p17-proto4.pkl``
  (1.6+: UBJSON snapshot), ``p15-json.pkl`` (1.4/1.5: JSON snapshot), ``p13-config.pkl``
  (1.0-1.3: "CONFIG-offset:" + binary model + JSON config), ``p090-raw.pkl`` (0.90: the
  binary model without "binf", version 0, base_score stored as a margin). It prints, for
  each, whether xgboost 1.7 itself unpickles it and, if so, its predictions of --data.
* ``time-train --train T.csv --params P.json --repeat N`` prints the best wall time of N
  trainings (seconds), for bench/xgboost.js.
* ``time-predict --model FILE --data X.csv --repeat N`` prints the time of N single-row
  predictions of the first row.

Predictions are float32; they are printed as Python floats (exact doubles of the float32s).
"""
import argparse
import json
import pickle
import sys
import time
import warnings

import numpy as np
import xgboost as xgb

warnings.simplefilter("ignore")


def emit(document, _stream=None):
    # libxgboost logs warnings on stdout: the document goes on a line of its own, last.
    sys.stdout.flush()
    sys.stdout.write("\n" + json.dumps(document) + "\n")


def read_csv(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rows.append([float(v) if v.strip() != "" else np.nan for v in line.split(",")])
    width = max(len(r) for r in rows)
    data = np.full((len(rows), width), np.nan, dtype=np.float64)
    for i, r in enumerate(rows):
        data[i, : len(r)] = r
    return data[:, 1:], data[:, 0]


def dmatrix(path):
    x, y = read_csv(path)
    return xgb.DMatrix(x, label=y, missing=np.nan)


def booster_predict(booster, dm):
    # As the container: ntree_limit=getattr(booster, "best_ntree_limit", 0).
    limit = getattr(booster, "best_ntree_limit", 0)
    return booster.predict(dm, ntree_limit=limit, validate_features=False)


def as_list(pred):
    return [float(v) for v in np.asarray(pred, dtype=np.float32).reshape(-1)]


def train(params, train_path, validation_path):
    params = dict(params)
    num_round = int(params.pop("num_round"))
    early = params.pop("early_stopping_rounds", None)
    dtrain = dmatrix(train_path)
    evals = [(dtrain, "train")]
    if validation_path:
        evals.append((dmatrix(validation_path), "validation"))
    callbacks = []
    metric = params.get("eval_metric")
    metric = metric[-1] if isinstance(metric, list) else metric
    # As the container's get_callbacks: early stopping only with a validation set AND eval_metric.
    if early is not None and validation_path and metric:
        callbacks.append(
            xgb.callback.EarlyStopping(
                rounds=int(early), data_name="validation", metric_name=metric, save_best=True
            )
        )
    history = {}
    booster = xgb.train(
        params, dtrain, num_boost_round=num_round, evals=evals, evals_result=history,
        callbacks=callbacks, verbose_eval=False,
    )
    return booster, history


def pickle_with_handle(booster, handle, path, protocol, extra=None):
    """Pickle `booster` with its state's handle replaced by `handle` (bytes)."""
    original = xgb.Booster.__getstate__

    def getstate(self):
        state = original(self)
        state["handle"] = bytearray(handle)
        if extra is not None:
            state.update(extra)
        return state

    xgb.Booster.__getstate__ = getstate
    try:
        with open(path, "wb") as f:
            pickle.dump(booster, f, protocol=protocol)
    finally:
        xgb.Booster.__getstate__ = original


def write_pickles(model_path, out_dir, data_path):
    import os
    import struct

    booster = xgb.Booster()
    booster.load_model(model_path)
    raw = bytes(booster.save_raw(raw_format="deprecated"))
    config = booster.save_config().encode()
    snapshot_ubj = bytes(booster.__getstate__()["handle"])
    json_model = bytes(booster.save_raw(raw_format="json"))
    snapshot_json = b'{"Config":' + config + b',"Model":' + json_model + b"}"
    body = raw[4:] if raw[:4] == b"binf" else raw
    # 0.90: no "binf", major/minor version 0.90, base_score saved as a margin (non-multi).
    base_score, = struct.unpack_from("<f", body, 0)
    objective = json.loads(config)["learner"]["objective"]["name"]
    if objective in ("binary:logistic", "reg:logistic"):
        margin = float(np.log(base_score / (1 - base_score)))
    elif objective == "count:poisson":
        margin = float(np.log(base_score))
    else:
        margin = base_score
    old = bytearray(body)
    struct.pack_into("<f", old, 0, margin)
    struct.pack_into("<II", old, 20, 0, 90)
    variants = {
        "p17-proto3.pkl": (snapshot_ubj, 3),
        "p17-proto4.pkl": (snapshot_ubj, 4),
        "p15-json.pkl": (snapshot_json, 3),
        "p13-config.pkl": (b"CONFIG-offset:" + struct.pack("<q", len(raw)) + raw + config, 4),
        "p090-raw.pkl": (bytes(old), 3),
    }
    dm = dmatrix(data_path) if data_path else None
    result = {}
    for name, (handle, protocol) in variants.items():
        path = os.path.join(out_dir, name)
        pickle_with_handle(booster, handle, path, protocol, extra={"best_ntree_limit": 3} if name == "p13-config.pkl" else None)
        entry = {"path": path}
        try:
            with open(path, "rb") as f:
                loaded = pickle.load(f)
            if dm is not None:
                entry["predictions"] = as_list(booster_predict(loaded, dm))
        except Exception as e:  # 1.7 cannot read a 0.90 payload; the 0.90 image could
            entry["error"] = str(e).splitlines()[0]
        result[name] = entry
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["train", "predict", "pickles", "time-train", "time-predict"])
    parser.add_argument("--train")
    parser.add_argument("--validation")
    parser.add_argument("--params")
    parser.add_argument("--out")
    parser.add_argument("--predict")
    parser.add_argument("--model")
    parser.add_argument("--data")
    parser.add_argument("--libsvm", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    params = json.load(open(args.params)) if args.params else {}

    if args.command == "train":
        booster, history = train(params, args.train, args.validation)
        booster.save_model(args.out + ".json")
        booster.save_model(args.out + ".ubj")
        booster.save_model(args.out)
        with open(args.out + ".pkl", "wb") as f:
            pickle.dump(booster, f, protocol=4)
        result = {
            "history": history,
            "best_iteration": getattr(booster, "best_iteration", None),
            "best_ntree_limit": getattr(booster, "best_ntree_limit", None),
            "num_boosted_rounds": booster.num_boosted_rounds(),
        }
        if args.predict:
            result["predictions"] = as_list(booster_predict(booster, dmatrix(args.predict)))
        emit(result)
    elif args.command == "predict":
        try:
            with open(args.model, "rb") as f:
                booster = pickle.load(f)
        except Exception:
            booster = xgb.Booster()
            booster.load_model(args.model)
        booster.set_param("nthread", 1)
        dm = xgb.DMatrix(args.data + "?format=libsvm") if args.libsvm else dmatrix(args.data)
        emit({"predictions": as_list(booster_predict(booster, dm))})
    elif args.command == "pickles":
        emit(write_pickles(args.model, args.out, args.data))
    elif args.command == "time-train":
        p = dict(params)
        p["nthread"] = 1
        x, y = read_csv(args.train)
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            dtrain = xgb.DMatrix(x, label=y, missing=np.nan, nthread=1)
            q = dict(p)
            num_round = int(q.pop("num_round"))
            xgb.train(q, dtrain, num_boost_round=num_round)
            best = min(best, time.perf_counter() - start)
        emit({"seconds": best})
    elif args.command == "time-predict":
        booster = xgb.Booster()
        booster.load_model(args.model)
        booster.set_param("nthread", 1)
        x, _ = read_csv(args.data)
        row = x[:1]
        # As the container's warm path: one DMatrix per request, then predict.
        for _ in range(50):
            booster.predict(xgb.DMatrix(row, missing=np.nan), validate_features=False)
        start = time.perf_counter()
        for _ in range(args.repeat):
            booster.predict(xgb.DMatrix(row, missing=np.nan), validate_features=False)
        elapsed = time.perf_counter() - start
        emit({"seconds": elapsed, "per_call_us": elapsed / args.repeat * 1e6})


if __name__ == "__main__":
    main()
