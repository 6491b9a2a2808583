# Conformance fixture for lib/classical/theta.ts, ses() and decompose():
# R forecast's thetaf() (the seasonality test, multiplicative decomposition,
# SES by MSE, drift, intervals), ses() and stats::decompose() on AirPassengers,
# co2, sunspots, the Taylor half-hourly load (m = 48) and 3,000 bitcoin closes.
#   Rscript scripts/gen-theta-r.R
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "seasonal-series.R"))
series <- c(seasonal_series, list(
  btc = ts(head(read.csv(gzfile(file.path(here, "..", "data", "btcusd_bitfinex_1min_2017H1.csv.gz")))$Close, 3000))
))
out <- list(generator = "scripts/gen-theta-r.R", forecast = as.character(packageVersion("forecast")), R = R.version.string, series = list())
for (nm in names(series)) {
  y <- series[[nm]]
  m <- frequency(y)
  h <- if (m > 1) 2 * m else 10
  th <- thetaf(y, h = h, level = c(80, 95))
  s <- ses(y, h = h, level = c(80, 95))
  entry <- list(y = as.numeric(y), m = m, h = h,
    theta = list(alpha = unname(th$model$alpha), drift = unname(th$model$drift), sigma2 = th$model$sigma,
                 fitted = as.numeric(fitted(th)), mean = as.numeric(th$mean),
                 lower80 = as.numeric(th$lower[, 1]), upper80 = as.numeric(th$upper[, 1]),
                 lower95 = as.numeric(th$lower[, 2]), upper95 = as.numeric(th$upper[, 2])),
    ses = list(alpha = unname(s$model$par["alpha"]), l = unname(s$model$par["l"]), mean = as.numeric(s$mean),
               upper95 = as.numeric(s$upper[, 2])))
  if (m > 1) {
    d <- decompose(y, type = "multiplicative")
    a <- decompose(y, type = "additive")
    entry$decompose <- list(multiplicative = as.numeric(d$figure), additive = as.numeric(a$figure),
                            trend = as.numeric(d$trend))
  }
  out$series[[nm]] <- entry
  cat(nm, ": alpha", th$model$alpha, "drift", th$model$drift, "\n")
}
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), file.path(here, "..", "test", "fixtures", "r", "theta.json"))
