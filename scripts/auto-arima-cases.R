# The autoArima conformance series, shared by scripts/gen-auto-arima-r.R
# (fixture) and scripts/time-stats-r.R (fitting times for npm run bench:stats).
suppressMessages(library(forecast))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
shared <- file.path(here, "..", "..", "shared", "data")
read <- function(file, col) read.csv(file.path(shared, file))[[col]]
air <- ts(read("airpassengers_monthly.csv", "passengers"), frequency = 12)
auto_cases <- list(
  list(id = "airpassengers", y = air, m = 12),
  list(id = "airpassengers_log", y = log(air), m = 12),
  list(id = "airpassengers_fourier_xreg", y = air, m = 1, xreg = fourier(air, K = 2)),
  list(id = "co2", y = ts(tail(read("co2_mauna_loa_monthly.csv", "CO2"), 240), frequency = 12), m = 12),
  list(id = "co2_nonseasonal", y = ts(tail(read("co2_mauna_loa_monthly.csv", "CO2"), 240)), m = 1),
  list(id = "sunspots", y = ts(tail(read("sunspots_monthly.csv", "sunspots"), 600), frequency = 12), m = 12),
  list(id = "seattle_temp_max", y = ts(read("seattle_weather_daily.csv", "temp_max"), frequency = 7), m = 7),
  list(id = "sp500_close", y = ts(tail(read("sp500_daily_2000-2020.csv", "close"), 1000)), m = 1),
  list(id = "btc_2017", y = ts(read("btcusd_bitfinex_1min_2017H1.csv", "Close")[100001:103000]), m = 1),
  list(id = "btc_2020", y = ts(head(read("btcusdt_huobi_1min_2020-05.csv", "close"), 2000)), m = 1)
)
fit_auto <- function(cs) if (is.null(cs$xreg)) auto.arima(cs$y) else auto.arima(cs$y, xreg = cs$xreg, seasonal = FALSE)
