# Conformance fixture for lib/stats/mstl.ts and lib/classical/stlf.ts: R
# forecast's mstl() and stlf() (forecast.mstl) with each method on monthly
# series (one period) and the Taylor half-hourly load with one period (48)
# and two (48 and 336): decomposition, the model chosen for the seasonally
# adjusted series, fitted values, and 2-season forecasts with 80/95%
# intervals.
#   Rscript scripts/gen-stlf-r.R
suppressMessages(library(forecast))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
shared <- file.path(here, "..", "..", "shared", "data")
read <- function(file, col) read.csv(file.path(shared, file))[[col]]
air <- ts(read("airpassengers_monthly.csv", "passengers"), frequency = 12)
co2 <- ts(tail(read("co2_mauna_loa_monthly.csv", "CO2"), 240), frequency = 12)
taylor <- head(read("taylor_electricity_halfhourly.csv", "demand_MW"), 2016)
cases <- list(
  list(id = "air_ets", y = air, periods = 12, method = "ets", h = 24),
  list(id = "air_arima", y = air, periods = 12, method = "arima", h = 24),
  list(id = "air_naive", y = air, periods = 12, method = "naive", h = 24),
  list(id = "air_drift", y = air, periods = 12, method = "rwdrift", h = 24),
  # Robust STL on an odd length (see gen-stl-r.R: R's robustness scale for even n).
  list(id = "air_robust", y = ts(as.numeric(air)[-1], frequency = 12), periods = 12, method = "ets", h = 24, robust = TRUE),
  list(id = "co2_ets", y = co2, periods = 12, method = "ets", h = 24),
  list(id = "taylor48_ets", y = ts(taylor, frequency = 48), periods = 48, method = "ets", h = 96),
  list(id = "taylor_48_336_ets", y = msts(taylor, seasonal.periods = c(48, 336)), periods = c(48, 336), method = "ets", h = 336)
)
out <- list(generator = "scripts/gen-stlf-r.R", forecast = as.character(packageVersion("forecast")), R = R.version.string, cases = list())
for (cs in cases) {
  robust <- isTRUE(cs$robust)
  dec <- mstl(cs$y, robust = robust)
  fc <- stlf(cs$y, h = cs$h, method = cs$method, robust = robust, level = c(80, 95))
  seas <- lapply(grep("Season", colnames(dec)), function(j) as.numeric(dec[, j]))
  out$cases[[cs$id]] <- list(
    y = as.numeric(cs$y), periods = as.list(cs$periods), method = if (cs$method == "rwdrift") "drift" else cs$method,
    robust = robust, h = cs$h,
    trend = as.numeric(dec[, "Trend"]), seasonal = seas, remainder = as.numeric(dec[, "Remainder"]),
    model = fc$method, fitted = as.numeric(fitted(fc)),
    mean = as.numeric(fc$mean), lower80 = as.numeric(fc$lower[, 1]), upper80 = as.numeric(fc$upper[, 1]),
    lower95 = as.numeric(fc$lower[, 2]), upper95 = as.numeric(fc$upper[, 2]))
  cat(cs$id, ":", fc$method, "\n")
}
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE), file.path(here, "..", "test", "fixtures", "r", "stlf.json"))
