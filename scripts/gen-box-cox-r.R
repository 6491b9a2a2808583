# Conformance fixture for lib/stats/box-cox.ts and lib/classical/box-cox.ts:
# R forecast's BoxCox.lambda() (Guerrero) on the seasonal series and 3,000
# bitcoin closes, BoxCox()/InvBoxCox() at a few lambdas, and forecasts of
# models fitted with a lambda (ets, Arima, rwf, stlf; medians and
# bias-adjusted means) with 80/95% intervals, on AirPassengers.
#   Rscript scripts/gen-box-cox-r.R
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "seasonal-series.R"))
series <- c(seasonal_series, list(
  btc = ts(head(read.csv(gzfile(file.path(here, "..", "data", "btcusd_bitfinex_1min_2017H1.csv.gz")))$Close, 3000))
))
air <- seasonal_series$airpassengers
out <- list(generator = "scripts/gen-box-cox-r.R", forecast = as.character(packageVersion("forecast")), R = R.version.string,
            lambda = list(), transform = list(), forecasts = list())
for (nm in names(series)) out$lambda[[nm]] <- list(y = as.numeric(series[[nm]]), m = frequency(series[[nm]]),
                                                     lambda = BoxCox.lambda(series[[nm]]), auto = BoxCox.lambda(series[[nm]], lower = -0.9))
for (lam in c(0, 0.5, -0.5, 1.5)) {
  w <- BoxCox(air, lam)
  out$transform[[as.character(lam)]] <- list(lambda = lam, w = as.numeric(w), back = as.numeric(InvBoxCox(w, lam)),
                                             adjusted = as.numeric(InvBoxCox(w, lam, biasadj = TRUE, fvar = 0.01)))
}
fc <- function(f) list(model = f$method, mean = as.numeric(f$mean), lower80 = as.numeric(f$lower[, 1]), upper80 = as.numeric(f$upper[, 1]),
                       lower95 = as.numeric(f$lower[, 2]), upper95 = as.numeric(f$upper[, 2]))
auto_lambda <- BoxCox.lambda(air, lower = -0.9)
out$forecasts <- list(
  ets_log = c(list(method = "ets", lambda = 0, biasadj = FALSE), fc(forecast(ets(air, lambda = 0), h = 24))),
  ets_auto_biasadj = c(list(method = "ets", lambda = auto_lambda, biasadj = TRUE), fc(forecast(ets(air, lambda = "auto", biasadj = TRUE), h = 24))),
  airline_log = c(list(method = "airline", lambda = 0, biasadj = FALSE), fc(forecast(Arima(air, order = c(0, 1, 1), seasonal = c(0, 1, 1), lambda = 0), h = 24))),
  drift_sqrt_biasadj = c(list(method = "drift", lambda = 0.5, biasadj = TRUE), fc(rwf(air, drift = TRUE, lambda = 0.5, biasadj = TRUE, h = 24))),
  stlf_log = c(list(method = "stlf", lambda = 0, biasadj = FALSE), fc(stlf(air, lambda = 0, h = 24)))
)
for (nm in names(out$forecasts)) cat(nm, out$forecasts[[nm]]$model, "\n")
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE), file.path(here, "..", "test", "fixtures", "r", "box_cox.json"))
