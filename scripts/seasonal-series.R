# The seasonal conformance series shared by scripts/gen-stl-r.R and
# scripts/gen-theta-r.R: AirPassengers, the last 240 months of co2, the last
# 600 months of sunspots and four weeks of the Taylor half-hourly load, as
# ts objects with their season lengths (data in ../shared/data).
suppressMessages(library(forecast))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
shared <- file.path(here, "..", "..", "shared", "data")
read <- function(file, col) read.csv(file.path(shared, file))[[col]]
seasonal_series <- list(
  airpassengers = ts(read("airpassengers_monthly.csv", "passengers"), frequency = 12),
  co2 = ts(tail(read("co2_mauna_loa_monthly.csv", "CO2"), 240), frequency = 12),
  sunspots = ts(tail(read("sunspots_monthly.csv", "sunspots"), 600), frequency = 12),
  taylor = ts(head(read("taylor_electricity_halfhourly.csv", "demand_MW"), 1344), frequency = 48)
)
