#!/usr/bin/env python3
"""Conformance fixture for lib/stats: statsmodels' adfuller, kpss, acf and pacf.

    /usr/bin/python3 scripts/gen-unit-root-statsmodels.py

Series: AirPassengers, sunspots (last 600 months), co2 (last 240 months), the
Taylor electricity series (first 4 weeks) from ../shared/data, and the Close of
test/fixtures/btc_2017-01-01_03.csv. For each: adfuller with regression n, c,
ct, ctt (autolag AIC) and kpss with regression c, ct (lags auto and legacy).
Writes test/fixtures/statsmodels/unit_root.json. Needs Debian's python3-statsmodels.
"""
import csv
import json
import os
import warnings

import numpy as np
import statsmodels
from statsmodels.tsa.stattools import acf, adfuller, kpss, pacf

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared", "data")
REPO = os.path.join(HERE, "..")


def column(path, name):
    with open(path) as f:
        return [float(r[name]) for r in csv.DictReader(f)]


series = {
    "airpassengers": column(os.path.join(SHARED, "airpassengers_monthly.csv"), "passengers"),
    "sunspots": column(os.path.join(SHARED, "sunspots_monthly.csv"), "sunspots")[-600:],
    "co2": column(os.path.join(SHARED, "co2_mauna_loa_monthly.csv"), "CO2")[-240:],
    "taylor": column(os.path.join(SHARED, "taylor_electricity_halfhourly.csv"), "demand_MW")[:1344],
    "btc": column(os.path.join(REPO, "test", "fixtures", "btc_2017-01-01_03.csv"), "Close"),
}
out = {"generator": "scripts/gen-unit-root-statsmodels.py", "statsmodels": statsmodels.__version__, "series": {}}
for name, y in series.items():
    x = np.array(y)
    res = {"y": y, "adf": {}, "kpss": {}}
    for reg in ("n", "c", "ct", "ctt"):
        stat, p, lag, nobs, crit, icbest = adfuller(x, regression=reg, autolag="AIC")
        res["adf"][reg] = {"statistic": stat, "pValue": p, "usedLag": lag, "nobs": nobs, "critical": crit, "icBest": icbest}
    for reg in ("c", "ct"):
        for lags in ("auto", "legacy"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                stat, p, nl, crit = kpss(x, regression=reg, nlags=lags)
            res["kpss"][f"{reg}-{lags}"] = {"statistic": stat, "pValue": p, "lags": nl}
    res["acf"] = list(acf(x, fft=False))
    res["pacf"] = list(pacf(x))
    out["series"][name] = res
os.makedirs(os.path.join(REPO, "test", "fixtures", "statsmodels"), exist_ok=True)
with open(os.path.join(REPO, "test", "fixtures", "statsmodels", "unit_root.json"), "w") as f:
    json.dump(out, f)
    f.write("\n")
print("wrote", len(series), "series")
