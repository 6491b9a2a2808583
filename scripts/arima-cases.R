# The ARIMA conformance cases shared by scripts/gen-arima-r.R (fixture) and
# scripts/time-arima-r.R (fitting times for npm run bench:stats).
suppressMessages(library(forecast))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
shared <- file.path(here, "..", "..", "shared", "data")
read <- function(file, col) read.csv(file.path(shared, file))[[col]]
btc <- read("btcusd_bitfinex_1min_2017H1.csv", "Close")[100001:103000]
air <- ts(read("airpassengers_monthly.csv", "passengers"), frequency = 12)
fourier_air <- fourier(air, K = 2)
cases <- list(
  list(id = "air_airline", series = "airpassengers", y = air, order = c(0, 1, 1), seasonal = c(0, 1, 1), m = 12),
  list(id = "air_111_drift", series = "airpassengers", y = air, order = c(1, 1, 1), drift = TRUE),
  list(id = "sunspots_200_100_mean", series = "sunspots", y = ts(tail(read("sunspots_monthly.csv", "sunspots"), 600), frequency = 12),
       order = c(2, 0, 0), seasonal = c(1, 0, 0), m = 12),
  list(id = "air_fourier_xreg", series = "airpassengers", y = air, order = c(1, 1, 1), xreg = fourier_air,
       newxreg = fourier(air, K = 2, h = 24)),
  list(id = "co2_111_011", series = "co2", y = ts(tail(read("co2_mauna_loa_monthly.csv", "CO2"), 240), frequency = 12),
       order = c(1, 1, 1), seasonal = c(0, 1, 1), m = 12),
  list(id = "co2_210_110", series = "co2", y = ts(tail(read("co2_mauna_loa_monthly.csv", "CO2"), 240), frequency = 12),
       order = c(2, 1, 0), seasonal = c(1, 1, 0), m = 12),
  list(id = "sunspots_201", series = "sunspots", y = ts(tail(read("sunspots_monthly.csv", "sunspots"), 600), frequency = 12),
       order = c(2, 0, 1)),
  list(id = "sunspots_300_css", series = "sunspots", y = ts(tail(read("sunspots_monthly.csv", "sunspots"), 600), frequency = 12),
       order = c(3, 0, 0), method = "CSS"),
  list(id = "taylor_202", series = "taylor", y = ts(head(read("taylor_electricity_halfhourly.csv", "demand_MW"), 1344), frequency = 48),
       order = c(2, 0, 2)),
  list(id = "btc_010_drift", series = "btc", y = ts(btc), order = c(0, 1, 0), drift = TRUE),
  list(id = "btc_111", series = "btc", y = ts(btc), order = c(1, 1, 1)),
  list(id = "btc_212", series = "btc", y = ts(btc), order = c(2, 1, 2))
)
fit_case <- function(cs) {
  Arima(cs$y, order = cs$order,
        seasonal = if (is.null(cs$seasonal)) c(0, 0, 0) else list(order = cs$seasonal, period = cs$m),
        include.drift = isTRUE(cs$drift), xreg = cs$xreg,
        method = if (is.null(cs$method)) "CSS-ML" else cs$method)
}
