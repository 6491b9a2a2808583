#!/usr/bin/env python3
"""Generate the pandas / scikit-learn oracle for flowcast's data pipeline.

Regenerate (from the repository root, with the system Python that has
pandas 1.5.3, scikit-learn 1.2.1, numpy 1.24; not a pyenv python3):

    /usr/bin/python3 scripts/gen-pipeline-fixture.py [path/to/btcusd_bitfinex_1min_2017H1.csv]

The source defaults to ../shared/data/btcusd_bitfinex_1min_2017H1.csv.

Writes:
  test/fixtures/btc_2017-01-01_03.csv  the source's header line and every
      row with Timestamp in [2017-01-01 00:00, 2017-01-04 00:00) UTC, copied
      byte for byte (a real slice, nothing recomputed).
  test/fixtures/pipeline_btc.json      the book's pipeline run on that slice
      (REFERENCE.md section 2; seed chapter code, reproduced below verbatim
      where possible): row counts, scaler constants, X/y arrays in float64.

One deliberate deviation from the chapter's literal code: its scale_data()
calls `scaler.fit_transform(...)` even when given the training scaler, which
refits on the test set. REFERENCE.md step 4 states the intent, "the test set
is transformed with the training scaler", and that is what is done here
(`scaler.transform`). The fixture also records the literal (refit) constants
under "book_literal_test_refit" for reference.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.preprocessing import MinMaxScaler, StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data", "btcusd_bitfinex_1min_2017H1.csv")
FIXTURE_CSV = os.path.join(ROOT, "test", "fixtures", "btc_2017-01-01_03.csv")
FIXTURE_JSON = os.path.join(ROOT, "test", "fixtures", "pipeline_btc.json")

SLICE_START = 1483228800  # 2017-01-01 00:00:00 UTC
SLICE_END = 1483488000  # 2017-01-04 00:00:00 UTC (exclusive)
TRAIN = ("2017-01-01", "2017-01-02")
TEST = ("2017-01-02", "2017-01-03")
LAGS = 10


def copy_slice():
    with open(SOURCE, "rb") as f:
        lines = f.read().split(b"\n")
    out = [lines[0]]
    for line in lines[1:]:
        if not line:
            continue
        ts = int(line.split(b",", 1)[0])
        if SLICE_START <= ts < SLICE_END:
            out.append(line)
    with open(FIXTURE_CSV, "wb") as f:
        f.write(b"\n".join(out) + b"\n")
    return len(out) - 1


# --- The chapter's functions (seed text), with the file path as a parameter ---

def read_data(path):
    df = pd.read_csv(path)
    df["Time"] = pd.to_datetime(df.Timestamp, unit="s")
    df.index = df.Time
    df = df.drop(["Time", "Timestamp"], axis=1)
    return df


def select_dates(df, start, end):
    mask = (df.index > start) & (df.index <= end)
    return df[mask]


def diff_data(df):
    df_diffed = df.diff()
    df_diffed.fillna(0, inplace=True)
    return df_diffed


def scale_data(df, scaler=None):
    scaled_df = pd.DataFrame(index=df.index)
    if not scaler:
        scaler = MinMaxScaler(feature_range=(-1, 1))
        scaled_df["Price"] = scaler.fit_transform(df.Close.values.reshape(-1, 1))
    else:
        # Deviation (see module docstring): transform with the training scaler.
        scaled_df["Price"] = scaler.transform(df.Close.values.reshape(-1, 1))
    return scaler, scaled_df


def lag_dataframe(data, lags=1):
    df = pd.DataFrame(data)
    columns = [df.shift(i) for i in range(lags, 0, -1)]
    columns.append(df)
    df = pd.concat(columns, axis=1)
    df.fillna(0, inplace=True)

    cols = df.columns.tolist()
    for i, col in enumerate(cols):
        if i == 0:
            cols[i] = "x"
        else:
            cols[i] = "x-" + str(i)

    cols[-1] = "y"
    df.columns = cols
    return df


def epoch_ms(index):
    return [int(t.value // 1_000_000) for t in index]


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def main():
    rows = copy_slice()
    df = read_data(FIXTURE_CSV)
    df_train = select_dates(df, start=TRAIN[0], end=TRAIN[1])
    df_test = select_dates(df, start=TEST[0], end=TEST[1])

    # prep_data(df_train, df_test, lags), step by step
    d_train = diff_data(df_train)
    scaler, s_train = scale_data(d_train)
    d_test = diff_data(df_test)
    _, s_test = scale_data(d_test, scaler)
    l_train = lag_dataframe(s_train, lags=LAGS)
    l_test = lag_dataframe(s_test, lags=LAGS)
    X_train = l_train.drop("y", axis=1).values.reshape(len(l_train), LAGS, 1)
    y_train = l_train.y.values
    X_test = l_test.drop("y", axis=1).values.reshape(len(l_test), LAGS, 1)
    y_test = l_test.y.values

    literal = MinMaxScaler(feature_range=(-1, 1)).fit(d_test.Close.values.reshape(-1, 1))

    # Extra oracles for the scalers: every differenced column (5 features).
    features = ["Open", "High", "Low", "Close", "Volume_(BTC)"]
    multi = MinMaxScaler(feature_range=(-1, 1)).fit(d_train[features].values)
    std = StandardScaler().fit(d_train[features].values)
    multi_test = multi.transform(d_test[features].values)
    std_test = std.transform(d_test[features].values)

    out = {
        "generator": "scripts/gen-pipeline-fixture.py",
        "versions": {"pandas": pd.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__},
        "source": os.path.basename(SOURCE),
        "fixture_csv": "test/fixtures/btc_2017-01-01_03.csv",
        "fixture_rows": rows,
        "train_range": list(TRAIN),
        "test_range": list(TEST),
        "lags": LAGS,
        "train_rows": len(df_train),
        "test_rows": len(df_test),
        "train_time_ms": [epoch_ms(df_train.index)[0], epoch_ms(df_train.index)[-1]],
        "test_time_ms": [epoch_ms(df_test.index)[0], epoch_ms(df_test.index)[-1]],
        "scaler": {
            "feature_range": [-1, 1],
            "data_min_": floats(scaler.data_min_),
            "data_max_": floats(scaler.data_max_),
            "scale_": floats(scaler.scale_),
            "min_": floats(scaler.min_),
        },
        "book_literal_test_refit": {
            "data_min_": floats(literal.data_min_),
            "data_max_": floats(literal.data_max_),
        },
        "diff_close_train": floats(d_train.Close.values),
        "diff_close_test": floats(d_test.Close.values),
        "X_train_shape": list(X_train.shape),
        "X_test_shape": list(X_test.shape),
        "X_train": floats(X_train),
        "y_train": floats(y_train),
        "X_test": floats(X_test),
        "y_test": floats(y_test),
        "multi_features": features,
        "multi_minmax": {
            "data_min_": floats(multi.data_min_),
            "data_max_": floats(multi.data_max_),
            "scale_": floats(multi.scale_),
            "min_": floats(multi.min_),
            "test_transformed_first_rows": floats(multi_test[:20]),
        },
        "multi_standard": {
            "mean_": floats(std.mean_),
            "var_": floats(std.var_),
            "scale_": floats(std.scale_),
            "test_transformed_first_rows": floats(std_test[:20]),
        },
    }
    with open(FIXTURE_JSON, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(
        f"wrote {FIXTURE_CSV} ({rows} rows) and {FIXTURE_JSON}: "
        f"train {len(df_train)} rows, test {len(df_test)} rows, X_train {X_train.shape}, X_test {X_test.shape}"
    )


if __name__ == "__main__":
    main()
