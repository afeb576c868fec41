"""Housing preprocessor for the SageMaker scikit-learn container.

Adapted from aws/amazon-sagemaker-examples
advanced_functionality/multi_model_linear_learner_home_value/sklearn_preprocessor.py, with its
defects fixed:

* the model is fitted ONCE on every location's training data (all CSV files found recursively
  under the train channel, i.e. the whole ``housing-data/`` prefix), because a single
  preprocessing container serves every target model of the pipeline (workflow.md section 2);
* ``joblib`` is imported directly (``sklearn.externals.joblib`` is gone since scikit-learn 0.23);
* unsupported input, a wrong column count or a non-numeric value raise a clear error, and the
  Accept negotiation treats a missing Accept or ``*/*`` as the default, application/json.

Entry points:

* training (the container runs ``python sklearn_preprocessor.py`` with SM_* variables):
  ``--output-data-dir``, ``--model-dir``, ``--train``; writes ``model.joblib``;
* serving: ``model_fn``, ``input_fn``, ``predict_fn``, ``output_fn``;
* local parity check (mme's tests): ``--fit-transform IN.csv --out OUT.csv [--params OUT.json]``
  fits on IN.csv, transforms it and writes CSV rows (label first) with Python's repr of each
  float (shortest round-trip, like mme's TypeScript preprocessor).

Contract: headerless CSV; 9 columns = labelled (PRICE last in, first out), 8 = unlabelled.
Output: 6 standardised numeric features + one-hot FRONT_PORCH, DECK (categories sorted: n, y).
"""
from __future__ import print_function

import argparse
import json
import os
import sys
from io import StringIO

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

try:  # present inside the SageMaker scikit-learn serving container only
    from sagemaker_containers.beta.framework import worker
except ImportError:  # pragma: no cover - local runs
    worker = None

# Since we get a headerless CSV file we specify the column names here.
feature_columns_names = [
    "YEAR_BUILT",
    "SQUARE_FEET",
    "NUM_BEDROOMS",
    "NUM_BATHROOMS",
    "LOT_ACRES",
    "GARAGE_SPACES",
    "FRONT_PORCH",
    "DECK",
]
label_column = "PRICE"
numeric_features = feature_columns_names[:6]
categorical_features = ["FRONT_PORCH", "DECK"]

DEFAULT_ACCEPT = "application/json"
SUPPORTED_ACCEPT = ("application/json", "text/csv")


def make_preprocessor():
    # Adapted from the scikit-learn example of preprocessing pipelines
    # (auto_examples/compose/plot_column_transformer_mixed_types.html).
    numeric_transformer = Pipeline(steps=[("scaler", StandardScaler())])
    categorical_transformer = Pipeline(steps=[("onehot", OneHotEncoder(handle_unknown="ignore"))])
    return ColumnTransformer(
        transformers=[
            ("num", numeric_transformer, numeric_features),
            ("cat", categorical_transformer, categorical_features),
        ],
        remainder="drop",
    )


def list_csv_files(root):
    """The CSV files to fit on, recursively, in a stable order.

    The channel is all of housing-data/, which holds {LOC}/train/ and {LOC}/test/: when any file
    sits in a train/ directory, only those are used, so held-out test rows never leak into the
    fit (the local cloud's native fit applies the same rule).
    """
    found = []
    for directory, _, files in os.walk(root):
        found.extend(os.path.join(directory, f) for f in files if f.endswith(".csv"))
    train = [f for f in found if "train" in os.path.relpath(f, root).split(os.sep)[:-1]]
    return sorted(train or found)


def read_frame(text_or_path):
    """Headerless CSV as a frame named by our contract; 9 columns = labelled, 8 = unlabelled."""
    df = pd.read_csv(text_or_path, header=None)
    if len(df.columns) == len(feature_columns_names) + 1:
        df.columns = feature_columns_names + [label_column]
    elif len(df.columns) == len(feature_columns_names):
        df.columns = feature_columns_names
    else:
        raise ValueError(
            "CSV input has {} columns; expected {} (unlabelled) or {} (labelled, {} last)".format(
                len(df.columns), len(feature_columns_names), len(feature_columns_names) + 1, label_column
            )
        )
    numeric = numeric_features + ([label_column] if label_column in df.columns else [])
    for name in numeric:
        bad = pd.to_numeric(df[name], errors="coerce").isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                "CSV row {}, column {}: {!r} is not a number".format(row + 1, name, df[name].iloc[row])
            )
    for name in categorical_features:
        df[name] = df[name].astype(str).str.strip()
    return df


def train(args):
    input_files = list_csv_files(args.train)
    if len(input_files) == 0:
        raise ValueError(
            "There are no CSV files in {}.\nThis usually indicates that the train channel was incorrectly "
            "specified, the data specification in S3 was incorrectly specified or the role specified does "
            "not have permission to access the data.".format(args.train)
        )
    for file in input_files:
        print("file :", file)
    concat_data = pd.concat([read_frame(file) for file in input_files], ignore_index=True)
    preprocessor = make_preprocessor()
    preprocessor.fit(concat_data)
    joblib.dump(preprocessor, os.path.join(args.model_dir, "model.joblib"))
    print("saved model!")


def input_fn(input_data, content_type):
    """Parse input data payload: text/csv only, labelled (9 columns) or unlabelled (8)."""
    essence = (content_type or "text/csv").split(";")[0].strip().lower()
    if essence != "text/csv":
        raise ValueError("{} not supported by script!".format(content_type))
    if isinstance(input_data, (bytes, bytearray)):
        input_data = input_data.decode("utf-8")
    return read_frame(StringIO(input_data))


def predict_fn(input_data, model):
    """Preprocess input data: .transform(), with the label (if any) put first."""
    features = model.transform(input_data)
    if label_column in input_data:
        return np.insert(features, 0, input_data[label_column].to_numpy(dtype=np.float64), axis=1)
    return features


def negotiate(accept):
    if accept is None or accept.strip() == "":
        return DEFAULT_ACCEPT
    for part in accept.split(","):
        essence = part.split(";")[0].strip().lower()
        if essence == "*/*":
            return DEFAULT_ACCEPT
        if essence in SUPPORTED_ACCEPT:
            return essence
    raise ValueError("{} accept type is not supported by this script.".format(accept))


def to_csv(prediction):
    return "".join(",".join(repr(float(v)) for v in row) + "\n" for row in np.asarray(prediction))


def output_fn(prediction, accept):
    """Format prediction output as application/json (the default between containers) or text/csv."""
    mimetype = negotiate(accept)
    if mimetype == "application/json":
        body = json.dumps({"instances": [{"features": row} for row in np.asarray(prediction).tolist()]})
    else:
        body = to_csv(prediction)
    if worker is not None:
        return worker.Response(body, mimetype=mimetype)
    return body, mimetype


def model_fn(model_dir):
    """Deserialize fitted model"""
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def fit_transform_locally(in_path, out_path, params_path=None):
    """Local mode for mme's parity test: fit on in_path, transform it, write CSV (and the fit)."""
    with open(in_path) as f:
        text = f.read()
    model = make_preprocessor().fit(read_frame(StringIO(text)))
    with open(out_path, "w") as f:
        f.write(to_csv(predict_fn(input_fn(text, "text/csv"), model)))
    if params_path:
        scaler = model.named_transformers_["num"].named_steps["scaler"]
        encoder = model.named_transformers_["cat"].named_steps["onehot"]
        with open(params_path, "w") as f:
            json.dump(
                {
                    "mean": scaler.mean_.tolist(),
                    "var": scaler.var_.tolist(),
                    "scale": scaler.scale_.tolist(),
                    "categories": [[str(c) for c in cats] for cats in encoder.categories_],
                },
                f,
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    # Sagemaker specific arguments. Defaults are set in the environment variables.
    parser.add_argument("--output-data-dir", type=str, default=os.environ.get("SM_OUTPUT_DATA_DIR"))
    parser.add_argument("--model-dir", type=str, default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--train", type=str, default=os.environ.get("SM_CHANNEL_TRAIN"))
    # Local parity mode (not used by SageMaker).
    parser.add_argument("--fit-transform", type=str, default=None)
    parser.add_argument("--out", type=str, default=None)
    parser.add_argument("--params", type=str, default=None)
    args = parser.parse_args()

    if args.fit_transform:
        if not args.out:
            parser.error("--fit-transform needs --out")
        fit_transform_locally(args.fit_transform, args.out, args.params)
        sys.exit(0)
    if not args.train or not args.model_dir:
        parser.error("--train and --model-dir (or SM_CHANNEL_TRAIN and SM_MODEL_DIR) are required")
    train(args)
